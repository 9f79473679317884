using System.Globalization;
using MlTrack.Cli.Training;
using MlTrack.Client;
using MlTrack.Trainer;
using MlTrack.Trainer.Drift;
using MlTrack.Trainer.Validation;

namespace MlTrack.Cli.Retraining;

/// <summary>
/// One retraining cycle: latest data → validation gate → train → evaluate against the champion on the same holdout →
/// log the run → register a version → move the alias if the challenger is better by the margin.
/// </summary>
/// <remarks>
/// The only step that changes what is served is the last one, a single alias update on the server, so a crash or an
/// outage anywhere before it leaves the champion as it was. A cycle counts as done only when its run carries the
/// <c>mltrack.retrain.outcome</c> tag, written last; an interrupted cycle lacks it, so the next cycle trains on the
/// same data again instead of skipping it.
/// </remarks>
internal sealed class RetrainingCycle(CliContext context, RetrainSettings settings, RetrainLog log, ValidationSettings? validation = null)
{
    private const string ModelTag = "mltrack.retrain.model";
    private const string OutcomeTag = "mltrack.retrain.outcome";

    private readonly ValidationSettings _validation = validation ?? new ValidationSettings();

    public DataFolder Folder { get; } = new(context.FullPath(settings.DataDirectory), settings.RecentFiles);

    public async Task<CycleOutcome> RunAsync(RetrainTrigger trigger, CancellationToken cancellationToken)
    {
        if (settings.ModelName.Contains('\'', StringComparison.Ordinal))
        {
            throw new CliException($"The model name may not contain a single quote: {settings.ModelName}");
        }
        using var guard = CycleLock.TryAcquire($"{context.TrackingUri}|{settings.ModelName}");
        if (guard is null)
        {
            return Logged(CycleOutcome.Skip("another cycle of this model is running"));
        }
        var snapshot = Folder.Take();
        if (snapshot.IsEmpty)
        {
            return Logged(CycleOutcome.Skip($"no CSV files in {Folder.Directory}"));
        }
        log.Info($"cycle ({Describe(trigger)}): {snapshot.Description}, data {snapshot.Sha256[..12]}");

        using var client = context.CreateClient();
        if (!settings.Force && await PreviousCycleAsync(client, snapshot, cancellationToken) is { } previous)
        {
            return Logged(CycleOutcome.Skip($"this data was already used by run {previous.Info.RunId} ({previous.Data.Tag(OutcomeTag)}); --force retrains anyway"));
        }
        var champion = await Champion.LoadAsync(client, settings.ModelName, settings.Alias, cancellationToken);
        log.Info(champion is null
            ? $"no champion: {settings.ModelName}@{settings.Alias} does not exist yet"
            : $"champion: {settings.ModelName} version {champion.Version.Version} (run {champion.Version.RunId})");

        var batch = DataBatch.Load([.. snapshot.Files.Select(f => f.Path)]);
        var report = DataValidationGate.Validate(batch, settings.Target, champion?.Profile, _validation);
        var drift = report.Passed ? DriftDetector.Compare(champion?.Profile, batch.ToTable(), settings.Target) : null;
        if (trigger == RetrainTrigger.Drift && drift is not null && champion?.Profile is not null && !drift.Drifted(settings.DriftThreshold))
        {
            return Logged(CycleOutcome.Skip(string.Create(CultureInfo.InvariantCulture, $"no drift: largest PSI {drift.MaxPsi:0.###} ≤ {settings.DriftThreshold}")));
        }

        var source = new DataSource(snapshot.Description, snapshot.Directory, snapshot.Sha256, batch.RowCount, batch.ColumnNames);
        await using var run = await client.StartRunAsync(
            new StartRunOptions
            {
                ExperimentName = settings.ExperimentNameOrDefault,
                RunName = $"retrain-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}",
                Tags = new Dictionary<string, string> { [ModelTag] = settings.ModelName, ["mltrack.retrain.trigger"] = Describe(trigger) },
            },
            cancellationToken);
        var recorder = new CycleRecorder(client, run);
        TrainingRecorder.LogParamsAndTags(run, source, TrainSettingsFor(source));
        run.SetTag("mltrack.data.files", string.Join(", ", snapshot.Files.Select(f => f.Name)));
        run.LogParam("min_improvement", settings.MinImprovement.ToString("R", CultureInfo.InvariantCulture));
        if (champion is not null)
        {
            run.SetTag("mltrack.champion.version", champion.Version.Version);
            run.SetTag("mltrack.champion.run_id", champion.Version.RunId ?? "");
        }
        run.SetTag("mltrack.validation", report.Summary);
        await recorder.UploadTextAsync("validation/report.txt", report.ToText(), cancellationToken);
        await recorder.UploadTextAsync("validation/report.json", report.ToJson(), cancellationToken);
        if (!report.Passed)
        {
            // The run ends FAILED (no Complete()); no version, no promotion.
            run.SetTag(OutcomeTag, CycleOutcome.TagValue(CycleResult.GateFailed));
            await run.FlushAsync(cancellationToken);
            return Logged(new CycleOutcome(CycleResult.GateFailed, $"validation gate {report.Summary}", run.RunId));
        }
        await TrainingRecorder.LogInputAsync(client, run, source, cancellationToken);
        run.LogMetric("drift_max_psi", drift!.MaxPsi);
        await recorder.UploadTextAsync("drift/report.txt", drift.ToText(), cancellationToken);

        var table = batch.ToTable();
        var (train, test) = table.Split(settings.TestFraction, settings.Seed);
        var trained = TrainedModel.Train(train, test, settings.Target, settings.Model);
        TrainingRecorder.LogMetrics(run, trained);
        double? championRmse = null;
        if (champion is not null)
        {
            var rows = trained.EvaluationRows;
            var championMetrics = RegressionMetrics.Compute(rows.Column(settings.Target), champion.Model.Predict(rows));
            championRmse = championMetrics.Rmse;
            run.LogMetric("champion_rmse", championMetrics.Rmse);
            run.LogMetric("champion_mae", championMetrics.Mae);
            run.LogMetric("champion_r2", championMetrics.R2);
        }
        await TrainingRecorder.LogArtifactsAsync(client, run, trained, cancellationToken);
        await run.FlushAsync(cancellationToken);

        var version = await ModelRegistration.RegisterAsync(client, settings.ModelName, run.Run, TrainingRecorder.ModelArtifactPath, cancellationToken);
        var (promote, reason) = PromotionPolicy.Decide(trained.Evaluation.Rmse, championRmse, settings.MinImprovement);
        run.SetTag("mltrack.retrain.decision", reason);
        run.SetTag("mltrack.registered.version", version.Version);
        if (promote)
        {
            await client.RegisteredModels.SetAliasAsync(settings.ModelName, settings.Alias, version.Version, cancellationToken);
        }
        var result = promote ? CycleResult.Promoted : CycleResult.KeptChampion;
        run.SetTag(OutcomeTag, CycleOutcome.TagValue(result));
        await run.FlushAsync(cancellationToken);
        run.Complete();
        var what = promote ? $"version {version.Version} is now {settings.ModelName}@{settings.Alias}" : $"version {version.Version} registered, champion kept";
        return Logged(new CycleOutcome(result, $"{what}: {reason}", run.RunId, version.Version));
    }

    private TrainSettings TrainSettingsFor(DataSource source) => new()
    {
        DataPath = source.Path,
        Target = settings.Target,
        Model = settings.Model,
        TestFraction = settings.TestFraction,
        Seed = settings.Seed,
    };

    /// <summary>The newest completed cycle (one with an outcome tag) of this model on exactly this data, if any.</summary>
    private async Task<Run?> PreviousCycleAsync(MlflowClient client, DataSnapshot snapshot, CancellationToken cancellationToken)
    {
        var experiment = await client.Experiments.GetByNameAsync(settings.ExperimentNameOrDefault, cancellationToken);
        if (experiment is null)
        {
            return null;
        }
        var page = await client.Runs.SearchAsync(
            [experiment.ExperimentId],
            new SearchRunsOptions
            {
                Filter = $"tags.`{ModelTag}` = '{settings.ModelName}' and tags.`mltrack.data.sha256` = '{snapshot.Sha256}' and tags.`{OutcomeTag}` LIKE '%'",
                OrderBy = ["attributes.start_time DESC"],
                MaxResults = 1,
            },
            cancellationToken);
        return page.Items.Count > 0 ? page.Items[0] : null;
    }

    private CycleOutcome Logged(CycleOutcome outcome)
    {
        log.Info($"{CycleOutcome.TagValue(outcome.Result).Replace('_', ' ')}: {outcome.Reason}{(outcome.RunId is null ? "" : $" (run {outcome.RunId})")}");
        return outcome;
    }

    private static string Describe(RetrainTrigger trigger) => trigger switch
    {
        RetrainTrigger.NewData => "new-data",
        _ => trigger.ToString().ToLowerInvariant(),
    };
}
