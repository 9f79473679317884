using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlTrack.Benchmarks.Scenarios;

/// <summary>
/// Figure 4: metrics/get-history of one metric with 1,000,000 points (logged by log-batch, 1,000 per request).
/// A sample is the time from sending the GET to having every point parsed (<see cref="HistoryParser"/>, straight
/// from the response stream, so parsing overlaps the transfer when the server streams). Reads that only receive
/// the bytes alternate with them, to split transfer from client-side parsing; the time to the response
/// headers shows whether the server streams (headers early) or buffers the whole answer first.
/// </summary>
internal static class HistoryScenario
{
    private const double TargetSeconds = 1.0;
    private const string Key = "loss";

    public static async Task<ScenarioResult> RunAsync(
        MlflowClient api, BenchOptions options, string directory, CancellationToken cancellationToken)
    {
        var details = new JsonObject();
        var runId = await EnsureRunAsync(api, options, directory, details, cancellationToken);
        var url = $"{MlflowClient.Api}metrics/get-history?run_id={runId}&metric_key={Key}";

        // Warm-up: one plain read, which also gives the response size and the bytes to time parsing alone.
        var sample = await api.GetAsync(url, cancellationToken);
        var parseOnly = new Stats();
        for (var i = 0; i < options.HistoryReads; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var memory = new MemoryStream(sample, writable: false);
            _ = await HistoryParser.ParseAsync(memory, Key, cancellationToken);
            parseOnly.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var parsed = new Stats();
        var received = new Stats();
        var headers = new Stats();
        var problem = (string?)null;
        for (var i = 0; i < options.HistoryReads; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            _ = await api.GetAsync(url, cancellationToken);
            var receiveMs = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            received.Add(receiveMs);

            sent = Stopwatch.GetTimestamp();
            using var response = await api.Http.GetAsync(
                new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            headers.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var history = await HistoryParser.ParseAsync(stream, Key, cancellationToken);
            var parseMs = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            parsed.Add(parseMs);
            var count = history.Count;
            problem ??= count != options.HistoryPoints ? $"expected {options.HistoryPoints} points, got {count}"
                : history.Values.Count != count || history.Timestamps.Count != count ? "a point lacks its value or timestamp"
                : history.OtherKeys > 0 ? $"{history.OtherKeys} points have another key"
                : null;
            Log.Info($"history read {i + 1}/{options.HistoryReads}: bytes only {receiveMs:F0} ms, "
                + $"receive + parse {parseMs:F0} ms, {count:N0} points");
        }

        var info = new JsonObject
        {
            ["points"] = options.HistoryPoints,
            ["response_mib"] = Stats.Round(sample.Length / 1048576.0),
            ["receive_and_parse"] = parsed.ToJson(),
            ["receive_only"] = received.ToJson(),
            ["time_to_headers"] = headers.ToJson(),
            // The client's own share: deserializing the same bytes from memory, no server involved.
            ["client_parse_only"] = parseOnly.ToJson(),
        };
        if (problem is not null)
        {
            info["problem"] = problem;
        }

        var figure = new Figure(
            "history_s", parsed.P50 / 1000, "s", "<=", TargetSeconds,
            $"metrics/get-history of one metric with {options.HistoryPoints:N0} points: send to every point parsed, "
            + $"p50 of {options.HistoryReads}",
            info, problem is null);
        return new ScenarioResult([figure], details);
    }

    /// <summary>The run holding the long metric: reused from the marker with --reuse, else logged now.</summary>
    private static async Task<string> EnsureRunAsync(
        MlflowClient api, BenchOptions options, string directory, JsonObject details, CancellationToken cancellationToken)
    {
        var marker = Path.Combine(directory, $"history-{options.HistoryPoints}.txt");
        if (options.ReuseDirectory is not null && File.Exists(marker))
        {
            var saved = (await File.ReadAllTextAsync(marker, cancellationToken)).Trim();
            if (await LastStepAsync(api, saved, cancellationToken) == options.HistoryPoints - 1)
            {
                Log.Info($"history: reusing run {saved} from {marker}");
                details["reused"] = true;
                details["run_id"] = saved;
                return saved;
            }
        }

        var experiment = await api.CreateExperimentAsync($"bench-history-{DateTime.UtcNow:yyyyMMddHHmmssfff}", cancellationToken);
        var runId = await api.CreateRunAsync(experiment, "history", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), cancellationToken);
        var batches = (options.HistoryPoints + options.BatchSize - 1) / options.BatchSize;
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var next = -1;
        Log.Info($"history: logging {options.HistoryPoints:N0} points of '{Key}' in {batches} batches "
            + $"with {options.HistoryLogClients} clients");
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.HistoryLogClients).Select(async _ =>
        {
            int batch;
            while ((batch = Interlocked.Increment(ref next)) < batches)
            {
                var first = (long)batch * options.BatchSize;
                var count = (int)Math.Min(options.BatchSize, options.HistoryPoints - first);
                var points = Enumerable.Range(0, count)
                    .Select(j => new MetricPoint(Key, 2.0 / (1 + (first + j) * 1e-5), start + first + j, first + j)).ToList();
                await api.LogBatchAsync(runId, points, [], [], cancellationToken);
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        Log.Info($"history: logged in {seconds:F1} s ({options.HistoryPoints / seconds:N0} points/s into one run)");
        await File.WriteAllTextAsync(marker, runId, cancellationToken);
        details["reused"] = false;
        details["run_id"] = runId;
        details["log_seconds"] = Stats.Round(seconds);
        details["log_points_per_s"] = Stats.Round(options.HistoryPoints / seconds);
        return runId;
    }

    private static async Task<long?> LastStepAsync(MlflowClient api, string runId, CancellationToken cancellationToken)
    {
        try
        {
            using var run = JsonDocument.Parse(await api.GetAsync($"{MlflowClient.Api}runs/get?run_id={runId}", cancellationToken));
            var data = run.RootElement.GetProperty("run").GetProperty("data");
            return data.TryGetProperty("metrics", out var metrics)
                ? metrics.EnumerateArray().Where(m => m.GetProperty("key").GetString() == Key)
                    .Select(m => m.GetProperty("step").GetInt64()).FirstOrDefault(-1)
                : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

}
