using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MlTrack.Benchmarks.Scenarios;

/// <summary>
/// Figure 1: log-batch ingest. Each of N concurrent clients logs into its own run, batches of 1,000 metric
/// points (a few keys, steps increasing batch after batch), until the total is sent; points per second of wall time.
/// </summary>
internal static class IngestScenario
{
    private const double Target = 200_000;
    private const int MinWarmupBatchesPerClient = 2;

    public static async Task<ScenarioResult> RunAsync(MlflowClient api, BenchOptions options, CancellationToken cancellationToken)
    {
        var clients = options.IngestClients;
        var experiment = await api.CreateExperimentAsync($"bench-ingest-{DateTime.UtcNow:yyyyMMddHHmmssfff}", cancellationToken);
        var runs = new string[clients];
        for (var c = 0; c < clients; c++)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            runs[c] = await api.CreateRunAsync(experiment, $"ingest-{c}", now, cancellationToken);
        }

        var keys = Enumerable.Range(0, options.IngestKeys).Select(k => $"train/metric_{k}").ToArray();
        var stepsPerBatch = options.BatchSize / keys.Length;
        var nextStep = new long[clients];
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        byte[] NextBatch(int client)
        {
            var points = new MetricPoint[stepsPerBatch * keys.Length];
            var first = nextStep[client];
            nextStep[client] += stepsPerBatch;
            for (var s = 0; s < stepsPerBatch; s++)
            {
                var step = first + s;
                for (var k = 0; k < keys.Length; k++)
                {
                    var value = 1.0 / (1 + step * 1e-4) + k * 0.01 + client * 1e-3;
                    points[s * keys.Length + k] = new MetricPoint(keys[k], value, start + step, step);
                }
            }

            return MlflowClient.LogBatchBody(runs[client], points, [], []);
        }

        // Every body is built before the clock starts, so the timed part spends no client CPU on JSON: on a
        // 2-core machine the client shares the cores with the server. Each client sends its share in order.
        var totalBatches = Math.Max(clients, options.IngestPoints / (stepsPerBatch * keys.Length));
        var warmup = Math.Max(MinWarmupBatchesPerClient, totalBatches / 10 / clients);
        var generating = Stopwatch.StartNew();
        var bodies = Enumerable.Range(0, clients)
            .Select(c => Enumerable.Range(0, warmup + totalBatches / clients + (c < totalBatches % clients ? 1 : 0))
                .Select(_ => NextBatch(c)).ToList())
            .ToList();
        var bodyBytes = bodies.Sum(b => b.Sum(x => (long)x.Length));
        Log.Info($"ingest: {bodies.Sum(b => b.Count)} bodies ({bodyBytes / 1048576.0:N0} MiB) "
            + $"built in {generating.Elapsed.TotalSeconds:F1} s");

        // Warm-up, untimed, a tenth of the timed batches: JIT tiering, connections and the server's prepared statements.
        Log.Info($"ingest: warm-up, {warmup * clients} batches");
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            for (var i = 0; i < warmup; i++)
            {
                await api.PostAsync("runs/log-batch", bodies[c][i], cancellationToken);
            }
        }));

        var done = 0;
        var latency = new Stats();
        var halfway = TimeSpan.Zero;
        Log.Info($"ingest: {clients} clients x batches of {stepsPerBatch * keys.Length} points, {totalBatches} batches");
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            foreach (var body in bodies[c].Skip(warmup))
            {
                var sent = Stopwatch.GetTimestamp();
                await api.PostAsync("runs/log-batch", body, cancellationToken);
                latency.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                var finished = Interlocked.Increment(ref done);
                if (finished == totalBatches / 2)
                {
                    halfway = clock.Elapsed;
                }

                if (finished % Math.Max(1, totalBatches / 10) == 0)
                {
                    var soFar = finished * (double)stepsPerBatch * keys.Length / clock.Elapsed.TotalSeconds;
                    Log.Info($"ingest: {finished}/{totalBatches} batches, {soFar:N0} points/s");
                }
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var points = (long)totalBatches * stepsPerBatch * keys.Length;
        var rate = points / seconds;
        Log.Info($"ingest: {points:N0} points in {seconds:F1} s = {rate:N0} points/s");

        var info = new JsonObject
        {
            ["points"] = points,
            ["seconds"] = Stats.Round(seconds),
            ["second_half_points_per_s"] = Stats.Round(
                (totalBatches - totalBatches / 2) * (double)stepsPerBatch * keys.Length / (seconds - halfway.TotalSeconds)),
            ["warmup_batches"] = warmup * clients,
            ["clients"] = clients,
            ["batch_points"] = stepsPerBatch * keys.Length,
            ["keys_per_run"] = keys.Length,
            ["request_latency"] = latency.ToJson(),
        };
        var figure = new Figure(
            "ingest_points_per_s", rate, "points/s", ">=", Target,
            $"log-batch throughput: {clients} concurrent clients, each into its own run, {stepsPerBatch * keys.Length} points per request",
            info);
        return new ScenarioResult([figure], new JsonObject { ["experiment_id"] = experiment });
    }
}
