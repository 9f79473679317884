using System.Globalization;
using MlTrack.Cli.Output;
using MlTrack.Client;

namespace MlTrack.Cli.Training;

/// <summary>What one `mltrack train` produced.</summary>
internal sealed record TrainingOutcome(string RunId, string ExperimentId, TrainedModel Trained, string ModelUri, ModelVersion? Version);

/// <summary>
/// `mltrack train`: load the CSV, split, fit, evaluate, and log it all as one run, then register the model if asked.
/// Inside an `mlflow run`/`mltrack run` entry point (MLFLOW_RUN_ID set) it logs into that run instead of a new one.
/// A failure after the run started ends the run FAILED.
/// </summary>
internal sealed class TrainingJob(CliContext context)
{
    public async Task<TrainingOutcome> RunAsync(TrainSettings settings, CancellationToken cancellationToken)
    {
        settings.Model.Validate();
        if (!(settings.TestFraction >= 0 && settings.TestFraction < 1))
        {
            throw new CliException($"--test-fraction must be at least 0 and below 1, not {settings.TestFraction.ToString(CultureInfo.InvariantCulture)}.");
        }
        var progress = new StepProgress(context.Error);
        var data = await progress.RunAsync(
            "Read data",
            () => Task.Run(() => DataFile.Load(context.FullPath(settings.DataPath)), cancellationToken),
            d => $"{d.Name}, {d.Table.RowCount:N0} rows × {d.Table.ColumnCount} columns, sha256 {d.Sha256[..12]}…");
        data.RequireTarget(settings.Target);
        var (train, test) = data.Table.Split(settings.TestFraction, settings.Seed);
        if (train.RowCount == 0)
        {
            throw new CliException($"{data.Name} has too few rows to keep any for training with --test-fraction {settings.TestFraction.ToString(CultureInfo.InvariantCulture)}.");
        }

        using var client = context.CreateClient();
        await using var run = await progress.RunAsync(
            "Start run",
            () => client.StartRunAsync(
                new StartRunOptions { ExperimentId = settings.ExperimentId, ExperimentName = settings.ExperimentName, RunName = settings.RunName },
                cancellationToken),
            r => $"{r.RunId} in experiment {r.ExperimentId}{(r.IsResumed ? " (given by MLFLOW_RUN_ID)" : "")}");
        TrainingRecorder.LogParamsAndTags(run, data.Source, settings);
        await TrainingRecorder.LogInputAsync(client, run, data.Source, cancellationToken);

        var trained = await progress.RunAsync(
            "Fit elastic net",
            () => Task.Run(() => TrainedModel.Train(train, test, settings.Target, settings.Model), cancellationToken),
            t => $"α = {settings.Model.Alpha.ToString(CultureInfo.InvariantCulture)}, ρ = {settings.Model.L1Ratio.ToString(CultureInfo.InvariantCulture)}, "
                + $"{t.Fit.Iterations} iterations, {t.Fit.ExitReason}, {t.TrainRows.RowCount:N0} training rows");
        TrainingRecorder.LogMetrics(run, trained);

        var modelUri = await progress.RunAsync(
            "Log model and artifacts",
            () => TrainingRecorder.LogArtifactsAsync(client, run, trained, cancellationToken),
            uri => uri);
        await run.FlushAsync(cancellationToken);

        ModelVersion? version = null;
        if (settings.RegisterAs is { } name)
        {
            version = await progress.RunAsync(
                "Register model",
                () => ModelRegistration.RegisterAsync(client, name, run.Run, TrainingRecorder.ModelArtifactPath, cancellationToken),
                v => $"{v.Name} version {v.Version}");
        }
        run.Complete();
        return new TrainingOutcome(run.RunId, run.ExperimentId, trained, modelUri, version);
    }
}
