using System.Globalization;
using System.Text.Json.Nodes;
using MlTrack.Client;
using MlTrack.Trainer;
using MlTrack.Trainer.Packaging;

namespace MlTrack.Cli.Training;

/// <summary>
/// Writes a training run's record: params, metrics and tags that tie it to its data, the data set as a run input,
/// and the artifacts (the MLflow model directory, a predicted-vs-actual plot, the data schema).
/// </summary>
internal static class TrainingRecorder
{
    public const string ModelArtifactPath = "model";
    public const string PlotArtifactPath = "plots/predicted_vs_actual.png";
    public const string SchemaArtifactPath = "data_schema.json";

    public static void LogParamsAndTags(ActiveRun run, DataSource data, TrainSettings settings)
    {
        var existing = run.Run.Data.Params.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var parameters = new Dictionary<string, string>
        {
            ["alpha"] = Format(settings.Model.Alpha),
            ["l1_ratio"] = Format(settings.Model.L1Ratio),
            ["test_fraction"] = Format(settings.TestFraction),
            ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
            ["target"] = settings.Target,
            ["max_iter"] = settings.Model.MaxIterations.ToString(CultureInfo.InvariantCulture),
            ["tol"] = Format(settings.Model.Tolerance),
            ["standardize"] = settings.Model.Standardize ? "true" : "false",
        };
        // A project run has logged its own parameters already, in the user's spelling ("-P alpha=.5"): keep those.
        foreach (var (key, value) in parameters.Where(p => !existing.Contains(p.Key)))
        {
            run.LogParam(key, value);
        }
        run.SetTag("mltrack.data.file", data.Name);
        run.SetTag("mltrack.data.path", data.Path);
        run.SetTag("mltrack.data.sha256", data.Sha256);
        run.SetTag("mltrack.data.rows", data.RowCount.ToString(CultureInfo.InvariantCulture));
        run.SetTag("mltrack.target", settings.Target);
    }

    public static Task LogInputAsync(MlflowClient client, ActiveRun run, DataSource data, CancellationToken cancellationToken)
    {
        var schema = new JsonObject
        {
            ["mlflow_colspec"] = new JsonArray([.. data.ColumnNames.Select(c => (JsonNode)new JsonObject { ["type"] = "double", ["name"] = c })]),
        };
        var profile = new JsonObject { ["num_rows"] = data.RowCount, ["num_elements"] = (long)data.RowCount * data.ColumnNames.Count };
        var dataset = new Dataset(
            data.Name, data.Sha256[..8], "local", new JsonObject { ["uri"] = data.Path }.ToJsonString(), schema.ToJsonString(), profile.ToJsonString());
        return client.Runs.LogInputsAsync(run.RunId, [new DatasetInput([new Tag("mlflow.data.context", "training")], dataset)], cancellationToken);
    }

    public static void LogMetrics(ActiveRun run, TrainedModel trained)
    {
        if (trained.Test is { } test)
        {
            run.LogMetric("rmse", test.Rmse);
            run.LogMetric("mae", test.Mae);
            run.LogMetric("r2", test.R2);
        }
        run.LogMetric("training_rmse", trained.Training.Rmse);
        run.LogMetric("training_mae", trained.Training.Mae);
        run.LogMetric("training_r2", trained.Training.R2);
        run.LogMetric("fit_iterations", trained.Fit.Iterations);
        run.LogMetric("fit_duality_gap", trained.Fit.DualityGap);
        run.SetTag("mltrack.fit.exit_reason", trained.Fit.ExitReason.ToString());
    }

    /// <summary>Writes and uploads the artifacts, records the model with runs/log-model, and returns the model's URI.</summary>
    public static async Task<string> LogArtifactsAsync(MlflowClient client, ActiveRun run, TrainedModel trained, CancellationToken cancellationToken)
    {
        var staging = Directory.CreateTempSubdirectory("mltrack-run-");
        try
        {
            var descriptor = ModelPackage.Save(
                Path.Combine(staging.FullName, ModelArtifactPath),
                trained.Model,
                new ModelPackageInfo { ArtifactPath = ModelArtifactPath, RunId = run.RunId },
                trained.TrainRows);
            var rows = trained.EvaluationRows;
            var plotPath = Path.Combine(staging.FullName, PlotArtifactPath);
            Directory.CreateDirectory(Path.GetDirectoryName(plotPath)!);
            PredictionPlot.Save(
                plotPath,
                rows.Column(trained.Model.TargetName).ToArray(),
                trained.Model.Predict(rows),
                $"{trained.Model.TargetName}: predicted vs actual ({(trained.Test is null ? "training" : "test")} rows, RMSE {trained.Evaluation.Rmse:0.###})");
            await File.WriteAllTextAsync(
                Path.Combine(staging.FullName, SchemaArtifactPath), DataProfile.Of(trained.TrainRows, trained.Model.TargetName).ToJson(), cancellationToken);

            await client.Artifacts.UploadDirectoryAsync(run.RunId, staging.FullName, cancellationToken: cancellationToken);
            await client.Runs.LogModelAsync(run.RunId, descriptor.ToJsonString(), cancellationToken);
            return $"runs:/{run.RunId}/{ModelArtifactPath}";
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
