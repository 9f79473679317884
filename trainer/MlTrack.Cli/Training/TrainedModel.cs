using MlTrack.Trainer;

namespace MlTrack.Cli.Training;

/// <summary>A fit and how well it does on the rows it saw and on the held-out rows (null when none were held out).</summary>
internal sealed record TrainedModel(
    ElasticNetModel Model,
    FitResult Fit,
    RegressionMetrics Training,
    RegressionMetrics? Test,
    NumericTable TrainRows,
    NumericTable TestRows)
{
    public static TrainedModel Train(NumericTable train, NumericTable test, string target, ElasticNetOptions options)
    {
        var fit = new ElasticNetTrainer(options).Fit(train.ToRegressionData(target));
        var model = fit.ToModel(target);
        var trainingMetrics = RegressionMetrics.Compute(train.Column(target), model.Predict(train));
        RegressionMetrics? testMetrics = test.RowCount > 0 ? RegressionMetrics.Compute(test.Column(target), model.Predict(test)) : null;
        return new TrainedModel(model, fit, trainingMetrics, testMetrics, train, test);
    }

    /// <summary>The rows the reported metrics are computed on: the test rows, or the training rows when none were held out.</summary>
    public NumericTable EvaluationRows => TestRows.RowCount > 0 ? TestRows : TrainRows;

    public RegressionMetrics Evaluation => Test ?? Training;
}
