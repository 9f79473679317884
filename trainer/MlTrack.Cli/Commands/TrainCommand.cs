using System.CommandLine;
using System.Globalization;
using MlTrack.Cli.Training;
using MlTrack.Trainer;
using Spectre.Console;

namespace MlTrack.Cli.Commands;

/// <summary>`mltrack train --data CSV --target COLUMN --alpha A --l1-ratio R ...`.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new ElasticNetOptions();
        var data = new Option<string>("--data") { Description = "The CSV file: a header row, then numbers.", Required = true };
        var target = new Option<string>("--target") { Description = "The column to predict.", DefaultValueFactory = _ => "quality" };
        var alpha = new Option<double>("--alpha") { Description = "Penalty strength α ≥ 0.", DefaultValueFactory = _ => 0.5 };
        var l1Ratio = new Option<double>("--l1-ratio") { Description = "Share ρ of the penalty that is L1, in [0, 1].", DefaultValueFactory = _ => 0.5 };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share of rows held out for evaluation; 0 trains on every row.", DefaultValueFactory = _ => 0.25 };
        var seed = new Option<int>("--seed") { Description = "Seed of the train/test split.", DefaultValueFactory = _ => 42 };
        var registerAs = new Option<string?>("--register-as") { Description = "Register the model as a new version of this registered model." };
        var experimentName = new Option<string?>("--experiment-name") { Description = "The experiment (created when missing); else MLFLOW_EXPERIMENT_NAME/ID, else Default." };
        var experimentId = new Option<string?>("--experiment-id") { Description = "The experiment, by ID." };
        var runName = new Option<string?>("--run-name") { Description = "The run's name." };
        var maxIter = new Option<int>("--max-iter") { Description = "Most coordinate-descent sweeps.", DefaultValueFactory = _ => defaults.MaxIterations };
        var tol = new Option<double>("--tol") { Description = "Duality-gap tolerance, as scikit-learn's tol.", DefaultValueFactory = _ => defaults.Tolerance };
        var standardize = new Option<bool>("--standardize") { Description = "Penalise standardised coefficients (reported in the original scale)." };

        var command = new Command("train", "Train an elastic-net model on a CSV file and log it as a run.")
        {
            data, target, alpha, l1Ratio, testFraction, seed, registerAs, experimentName, experimentId, runName, maxIter, tol, standardize,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = new TrainSettings
            {
                DataPath = result.GetValue(data)!,
                Target = result.GetValue(target)!,
                Model = new ElasticNetOptions
                {
                    Alpha = result.GetValue(alpha),
                    L1Ratio = result.GetValue(l1Ratio),
                    MaxIterations = result.GetValue(maxIter),
                    Tolerance = result.GetValue(tol),
                    Standardize = result.GetValue(standardize),
                },
                TestFraction = result.GetValue(testFraction),
                Seed = result.GetValue(seed),
                RegisterAs = result.GetValue(registerAs),
                ExperimentName = result.GetValue(experimentName),
                ExperimentId = result.GetValue(experimentId),
                RunName = result.GetValue(runName),
            };
            var outcome = await new TrainingJob(context).RunAsync(settings, cancellationToken);
            Report(context.Out, outcome);
            return 0;
        });
        return command;
    }

    private static void Report(IAnsiConsole console, TrainingOutcome outcome)
    {
        var trained = outcome.Trained;
        console.WriteLine($"Run ID: {outcome.RunId}");
        console.WriteLine($"Experiment ID: {outcome.ExperimentId}");
        var metrics = trained.Evaluation;
        var rows = trained.Test is null ? $"training rows ({trained.TrainRows.RowCount})" : $"test rows ({trained.TestRows.RowCount})";
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RMSE: {metrics.Rmse:0.######}  MAE: {metrics.Mae:0.######}  R2: {metrics.R2:0.######}  on {rows}"));
        console.WriteLine($"Model URI: {outcome.ModelUri}");
        if (outcome.Version is { } version)
        {
            console.WriteLine($"Registered model '{version.Name}' version {version.Version}");
        }
    }
}
