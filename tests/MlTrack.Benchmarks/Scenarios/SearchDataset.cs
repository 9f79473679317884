using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MlTrack.Benchmarks.Scenarios;

/// <summary>
/// The experiment that figures 2 and 3 search: N runs, each made by runs/create plus one log-batch with 20 params
/// (alpha = '0.5' in about 15% of runs), 10 tags and 10 metrics (rmse uniform in [0, 1.6]). Run i starts at
/// <see cref="StartTime0"/> + i seconds. The data is seeded, so every build of it is the same. With --reuse a
/// marker file beside the database records a finished build, and a rerun searches it again instead.
/// </summary>
internal sealed record SearchDataset(string ExperimentId, int Runs, int AlphaHalfRuns, int FilterMatches)
{
    public const long StartTime0 = 1_700_000_000_000;
    public const string Filter = "metrics.rmse < 0.8 and params.alpha = '0.5'";
    private static readonly string[] OtherAlphas = ["0.1", "0.25", "0.75", "1.0"];

    public static async Task<(SearchDataset Data, bool Reused)> EnsureAsync(
        MlflowClient api, BenchOptions options, string directory, CancellationToken cancellationToken)
    {
        var marker = Path.Combine(directory, $"search-{options.SearchRuns}.json");
        if (options.ReuseDirectory is not null && File.Exists(marker))
        {
            var saved = JsonSerializer.Deserialize<SearchDataset>(await File.ReadAllTextAsync(marker, cancellationToken));
            if (saved is not null && await IsCompleteAsync(api, saved, cancellationToken))
            {
                Log.Info($"search data: reusing experiment {saved.ExperimentId} ({saved.Runs} runs) from {marker}");
                return (saved, true);
            }

            Log.Info($"search data: {marker} does not match the database; building it again");
        }

        var data = await PopulateAsync(api, options, cancellationToken);
        await File.WriteAllTextAsync(marker, JsonSerializer.Serialize(data), cancellationToken);
        return (data, false);
    }

    /// <summary>The params, tags and metrics of run <paramref name="index"/>, the same on every build.</summary>
    public static (List<KeyValuePair<string, string>> Params, List<KeyValuePair<string, string>> Tags, List<MetricPoint> Metrics,
        bool Matches) RunData(int index)
    {
        var random = new Random(index);
        var alpha = random.NextDouble() < 0.15 ? "0.5" : OtherAlphas[random.Next(OtherAlphas.Length)];
        var parameters = new List<KeyValuePair<string, string>> { new("alpha", alpha) };
        for (var p = 1; p < 20; p++)
        {
            parameters.Add(new($"param_{p:D2}", $"value-{random.Next(1000)}"));
        }

        var tags = Enumerable.Range(0, 10)
            .Select(t => new KeyValuePair<string, string>($"tag_{t}", $"tag-value-{random.Next(100)}")).ToList();
        var startTime = StartTime0 + index * 1000L;
        var rmse = Math.Round(random.NextDouble() * 1.6, 6);
        var metrics = new List<MetricPoint> { new("rmse", rmse, startTime, 0) };
        for (var m = 1; m < 10; m++)
        {
            metrics.Add(new($"metric_{m}", Math.Round(random.NextDouble(), 6), startTime, 0));
        }

        return (parameters, tags, metrics, alpha == "0.5" && rmse < 0.8);
    }

    public static string RunName(int index) => $"search-{index.ToString("D5", CultureInfo.InvariantCulture)}";

    private static async Task<SearchDataset> PopulateAsync(MlflowClient api, BenchOptions options, CancellationToken cancellationToken)
    {
        var experiment = await api.CreateExperimentAsync(
            $"bench-search-{options.SearchRuns}-{DateTime.UtcNow:yyyyMMddHHmmssfff}", cancellationToken);
        Log.Info($"search data: creating {options.SearchRuns} runs in experiment {experiment} with {options.PopulateClients} clients");
        var next = -1;
        var done = 0;
        var alphaHalf = 0;
        var matches = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.PopulateClients).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < options.SearchRuns)
            {
                var (parameters, tags, metrics, match) = RunData(index);
                var runId = await api.CreateRunAsync(experiment, RunName(index), StartTime0 + index * 1000L, cancellationToken);
                await api.LogBatchAsync(runId, metrics, parameters, tags, cancellationToken);
                if (parameters[0].Value == "0.5")
                {
                    Interlocked.Increment(ref alphaHalf);
                }

                if (match)
                {
                    Interlocked.Increment(ref matches);
                }

                var finished = Interlocked.Increment(ref done);
                if (finished % Math.Max(1, options.SearchRuns / 10) == 0)
                {
                    Log.Info($"search data: {finished}/{options.SearchRuns} runs, {finished / clock.Elapsed.TotalSeconds:N0} runs/s");
                }
            }
        }));
        Log.Info($"search data: {options.SearchRuns} runs in {clock.Elapsed.TotalSeconds:F1} s; "
            + $"alpha 0.5 in {alphaHalf}, filter matches {matches}");
        return new SearchDataset(experiment, options.SearchRuns, alphaHalf, matches);
    }

    /// <summary>The experiment has exactly <see cref="Runs"/> active runs: the last offset holds one, the next none.</summary>
    private static async Task<bool> IsCompleteAsync(MlflowClient api, SearchDataset data, CancellationToken cancellationToken)
    {
        try
        {
            async Task<int> CountAt(int offset)
            {
                var body = MlflowClient.SearchBody(data.ExperimentId, 1, null, [], MlflowClient.PageToken(offset));
                using var page = JsonDocument.Parse(await api.PostAsync("runs/search", body, cancellationToken));
                return page.RootElement.TryGetProperty("runs", out var runs) ? runs.GetArrayLength() : 0;
            }

            return await CountAt(data.Runs - 1) == 1 && await CountAt(data.Runs) == 0;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
