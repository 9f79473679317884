using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlTrack.Benchmarks.Scenarios;

/// <summary>
/// Figure 2: runs/search latency over the one large experiment, one client, after a warm-up: no filter in the
/// default order with the UI's page (100) and the API default (1000), and the filter ordered by metrics.rmse.
/// Each sample is the time from sending the request to having the whole response body. Warm-up requests
/// (every case, then each case again) are not timed.
/// </summary>
internal static class SearchScenario
{
    public const double TargetP50Ms = 40;
    public const string OrderByRmse = "metrics.rmse ASC";

    public static async Task<ScenarioResult> RunAsync(
        MlflowClient api, BenchOptions options, SearchDataset data, CancellationToken cancellationToken)
    {
        (string Name, string? Filter, string[] OrderBy, int MaxResults, int Expected)[] cases =
        [
            ("no_filter_100", null, [], 100, Math.Min(100, data.Runs)),
            ("no_filter_1000", null, [], 1000, Math.Min(1000, data.Runs)),
            ("filter_100", SearchDataset.Filter, [OrderByRmse], 100, Math.Min(100, data.FilterMatches)),
            ("filter_1000", SearchDataset.Filter, [OrderByRmse], 1000, Math.Min(1000, data.FilterMatches)),
        ];
        // Warm every case up first (the server's JIT tiers up after ~30 calls of a method), then each case again.
        foreach (var c in cases)
        {
            var body = MlflowClient.SearchBody(data.ExperimentId, c.MaxResults, c.Filter, c.OrderBy, null);
            await TimeAsync(api, body, options.SearchWarmup, 0, cancellationToken);
        }

        var figures = new List<Figure>();
        foreach (var (name, filter, orderBy, maxResults, expected) in cases)
        {
            var body = MlflowClient.SearchBody(data.ExperimentId, maxResults, filter, orderBy, null);
            var (stats, last) = await TimeAsync(api, body, options.SearchWarmup, options.SearchIterations, cancellationToken);
            var runs = Runs(last);
            var problem = runs.Count != expected ? $"expected {expected} runs, got {runs.Count}"
                : filter is not null ? CheckFiltered(runs)
                : CheckDefaultOrder(runs, data.Runs);
            Log.Info($"search {name}: p50 {stats.P50:F1} ms, p95 {stats.P95:F1} ms, {last.Length / 1024.0:N0} KiB"
                + (problem is null ? "" : " WRONG: " + problem));
            var info = new JsonObject
            {
                ["p95_ms"] = Stats.Round(stats.P95),
                ["latency"] = stats.ToJson(),
                ["runs_returned"] = runs.Count,
                ["response_kib"] = Stats.Round(last.Length / 1024.0),
                ["filter"] = filter,
                ["order_by"] = new JsonArray([.. orderBy.Select(o => JsonValue.Create(o))]),
                ["max_results"] = maxResults,
            };
            if (problem is not null)
            {
                info["problem"] = problem;
            }

            figures.Add(new Figure(
                $"search_p50_ms.{name}", stats.P50, "ms", "<=", TargetP50Ms,
                $"runs/search over {data.Runs} runs, "
                + (filter is null ? "no filter, default order, " : $"filter \"{filter}\" ordered by {OrderByRmse}, ")
                + $"max_results {maxResults}",
                info, problem is null));
        }

        return new ScenarioResult(figures, new JsonObject
        {
            ["experiment_id"] = data.ExperimentId,
            ["runs"] = data.Runs,
            ["alpha_half_runs"] = data.AlphaHalfRuns,
            ["filter_matches"] = data.FilterMatches,
        });
    }

    /// <summary>
    /// Sends <paramref name="body"/> warmup + iterations times, one at a time; returns the timed samples and the last answer.
    /// </summary>
    public static async Task<(Stats Stats, byte[] Last)> TimeAsync(
        MlflowClient api, byte[] body, int warmup, int iterations, CancellationToken cancellationToken, Stats? into = null)
    {
        var stats = into ?? new Stats();
        var last = Array.Empty<byte>();
        for (var i = 0; i < warmup + iterations; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            last = await api.PostAsync("runs/search", body, cancellationToken);
            if (i >= warmup)
            {
                stats.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        }

        return (stats, last);
    }

    /// <summary>The runs of a runs/search answer as (name, start_time, alpha, rmse).</summary>
    public static List<(string Name, long StartTime, string? Alpha, double? Rmse)> Runs(byte[] answer)
    {
        using var document = JsonDocument.Parse(answer);
        if (!document.RootElement.TryGetProperty("runs", out var runs))
        {
            return [];
        }

        return [.. runs.EnumerateArray().Select(run =>
        {
            var info = run.GetProperty("info");
            var data = run.TryGetProperty("data", out var d) ? d : default;
            return (info.GetProperty("run_name").GetString()!, info.GetProperty("start_time").GetInt64(),
                Find(data, "params", "alpha")?.GetString(), Find(data, "metrics", "rmse")?.GetDouble());
        })];
    }

    private static JsonElement? Find(JsonElement data, string list, string key)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(list, out var items))
        {
            return null;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.GetProperty("key").GetString() == key)
            {
                return item.GetProperty("value");
            }
        }

        return null;
    }

    private static string? CheckFiltered(List<(string Name, long StartTime, string? Alpha, double? Rmse)> runs)
    {
        if (runs.Any(r => r.Alpha != "0.5" || r.Rmse is not < 0.8))
        {
            return "a returned run does not match the filter";
        }

        return runs.Zip(runs.Skip(1)).Any(p => p.First.Rmse > p.Second.Rmse) ? "runs are not in ascending rmse order" : null;
    }

    /// <summary>The default order is start_time DESC: the first page starts with the newest run.</summary>
    private static string? CheckDefaultOrder(List<(string Name, long StartTime, string? Alpha, double? Rmse)> runs, int total) =>
        runs.Count > 0 && runs[0].Name != SearchDataset.RunName(total - 1)
            ? $"first run is {runs[0].Name}, expected {SearchDataset.RunName(total - 1)}"
        : runs.Zip(runs.Skip(1)).Any(p => p.First.StartTime < p.Second.StartTime) ? "runs are not in descending start_time order"
        : null;
}
