using System.Globalization;
using MlTrack.Cli.Retraining;
using MlTrack.Client;
using MlTrack.Trainer;

namespace MlTrack.Cli.Simulation;

/// <summary>What `mltrack simulate` does and where it writes.</summary>
internal sealed record SimulationSettings
{
    public required string DataPath { get; init; }

    public required string OutputDirectory { get; init; }

    public string Target { get; init; } = "quality";

    public int Days { get; init; } = 30;

    public int RowsPerDay { get; init; } = 400;

    public int RetrainEvery { get; init; } = 3;

    public int Window { get; init; } = 6;

    public int Seed { get; init; } = 7;

    public required string ModelName { get; init; }
}

/// <summary>The daily errors of both strategies and the days the champion changed.</summary>
internal sealed record SimulationResult(double[] OnceRmse, double[] RetrainedRmse, IReadOnlyList<int> PromotionDays, string ChartPath, string OnceRunId, string RetrainedRunId);

/// <summary>
/// Replays a drifting stream of days through the real retraining loop: every day's batch lands in a data folder,
/// every few days `mltrack retrain`'s cycle runs on the recent files (registering, comparing, promoting through the
/// server), and each day both the model trained on day 0 and the current champion predict that day's batch before
/// it is trained on. Both error curves are logged as runs and drawn in one chart.
/// </summary>
internal sealed class SimulationRunner(CliContext context, SimulationSettings settings, RetrainLog log)
{
    public async Task<SimulationResult> RunAsync(CancellationToken cancellationToken)
    {
        var wine = CsvTableReader.Load(context.FullPath(settings.DataPath));
        var stream = new DriftingWineStream(wine, settings.Target, settings.Days, settings.RowsPerDay, settings.Seed);
        var output = context.FullPath(settings.OutputDirectory);
        var folder = Path.Combine(output, "data");
        Directory.CreateDirectory(folder);
        foreach (var old in Directory.EnumerateFiles(folder, "*.csv"))
        {
            File.Delete(old);
        }
        var retrain = new RetrainSettings
        {
            DataDirectory = folder,
            Target = settings.Target,
            ModelName = settings.ModelName,
            RecentFiles = settings.Window,
            Seed = settings.Seed,
        };
        var cycle = new RetrainingCycle(context, retrain, log);
        using var client = context.CreateClient();

        var once = new double[settings.Days];
        var retrained = new double[settings.Days];
        var promotions = new List<int>();
        ElasticNetModel? first = null, champion = null;
        for (int day = 0; day < settings.Days; day++)
        {
            var batch = stream.Day(day);
            if (first is not null && champion is not null)
            {
                // Yesterday's models predict today's data, before anyone trains on it.
                once[day] = Rmse(first, batch);
                retrained[day] = Rmse(champion, batch);
            }
            WriteDay(folder, day, batch);
            if (day == 0 || day % settings.RetrainEvery == 0)
            {
                var outcome = await cycle.RunAsync(day == 0 ? RetrainTrigger.Manual : RetrainTrigger.Schedule, cancellationToken);
                if (outcome.Result == CycleResult.Promoted)
                {
                    promotions.Add(day);
                    champion = (await Champion.LoadAsync(client, settings.ModelName, retrain.Alias, cancellationToken))!.Model;
                    first ??= champion;
                }
            }
        }
        if (first is null)
        {
            throw new CliException("The first cycle did not produce a champion; see the log above.");
        }
        // Day 0 has no model from before it: both curves start on day 1.
        var onceCurve = once[1..];
        var retrainedCurve = retrained[1..];
        var chart = Path.Combine(output, "simulation.png");
        ErrorChart.Save(
            chart, 1, onceCurve, retrainedCurve, [.. promotions.Where(d => d > 0)],
            string.Create(CultureInfo.InvariantCulture, $"Drifting wine: mean RMSE {onceCurve.Average():0.###} trained once vs {retrainedCurve.Average():0.###} retrained"));

        var onceRun = await LogCurveAsync(client, "trained-once", onceCurve, chart, cancellationToken);
        var retrainedRun = await LogCurveAsync(client, "retrained", retrainedCurve, chart, cancellationToken);
        return new SimulationResult(onceCurve, retrainedCurve, promotions, chart, onceRun, retrainedRun);
    }

    private static void WriteDay(string folder, int day, NumericTable batch)
    {
        var path = Path.Combine(folder, $"day-{day:000}.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.WriteLine(string.Join(',', batch.ColumnNames.Select(n => $"\"{n}\"")));
            var row = new string[batch.ColumnCount];
            for (int i = 0; i < batch.RowCount; i++)
            {
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] = batch[i, j].ToString("R", CultureInfo.InvariantCulture);
                }
                writer.WriteLine(string.Join(',', row));
            }
        }
        // Simulated days, one apart, so "the most recent files" means the latest days.
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(day));
    }

    private double Rmse(ElasticNetModel model, NumericTable batch) =>
        RegressionMetrics.Compute(batch.Column(settings.Target), model.Predict(batch)).Rmse;

    private async Task<string> LogCurveAsync(MlflowClient client, string strategy, double[] rmse, string chart, CancellationToken cancellationToken)
    {
        await using var run = await client.StartRunAsync(
            new StartRunOptions
            {
                ExperimentName = settings.ModelName,
                RunName = $"simulation-{strategy}",
                Tags = new Dictionary<string, string> { ["mltrack.simulation.strategy"] = strategy },
            },
            cancellationToken);
        run.LogParam("days", settings.Days.ToString(CultureInfo.InvariantCulture));
        run.LogParam("retrain_every", strategy == "retrained" ? settings.RetrainEvery.ToString(CultureInfo.InvariantCulture) : "never");
        run.LogParam("window_days", settings.Window.ToString(CultureInfo.InvariantCulture));
        run.LogParam("seed", settings.Seed.ToString(CultureInfo.InvariantCulture));
        for (int day = 0; day < rmse.Length; day++)
        {
            run.LogMetric("rmse", rmse[day], step: day + 1);
        }
        run.LogMetric("mean_rmse", rmse.Average());
        await run.FlushAsync(cancellationToken);
        await client.Artifacts.UploadFileAsync(run.RunId, chart, cancellationToken: cancellationToken);
        run.Complete();
        return run.RunId;
    }
}
