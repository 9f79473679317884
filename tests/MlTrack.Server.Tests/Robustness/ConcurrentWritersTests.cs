using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Robustness;

/// <summary>
/// 32 clients log at once (batches, single metrics, params, tags) into their own runs and into runs they share,
/// while a few readers query: nothing may fail or report a locked database, and every point, param and tag
/// written must be read back exactly.
/// </summary>
[Category("Slow")]
public sealed class ConcurrentWritersTests : ServerTestBase
{
    private const int Writers = 32;
    private const int Iterations = 60;
    private const int PointsPerBatch = 100;
    private const int SharedRunCount = 4;
    private const int Readers = 2;
    private const long BaseTimestamp = 1_700_000_000_000;
    private const string Api = "/api/2.0/mlflow";
    private const string SharedTag = "last.writer";

    private int _writeRequests;

    [Test]
    public async Task ThirtyTwoConcurrentWritersLoseNothingAndNeverSeeALockedDatabase()
    {
        var experiment = await Server.CreateExperimentAsync("writers");
        var shared = new List<string>();
        for (var i = 0; i < SharedRunCount; i++)
        {
            shared.Add(await Server.CreateRunAsync(experiment, runName: $"shared-{i}"));
        }

        var own = new List<string>();
        for (var w = 0; w < Writers; w++)
        {
            own.Add(await Server.CreateRunAsync(experiment, runName: $"own-{w}"));
        }

        var written = new Written();
        var failures = new ConcurrentQueue<string>();
        using var stopReading = new CancellationTokenSource();
        var reads = 0;
        var readers = Enumerable.Range(0, Readers)
            .Select(r => ReadUntilStoppedAsync(r, experiment, shared, own, failures, () => Interlocked.Increment(ref reads), stopReading.Token))
            .ToList();

        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => WriteAsync(w, own[w], shared, written, failures)));
        var writing = stopwatch.Elapsed;
        await stopReading.CancelAsync();
        await Task.WhenAll(readers);

        var verified = await VerifyAsync(own.Concat(shared).ToList(), written, failures);
        await TestContext.Out.WriteLineAsync(
            $"{Writers} writers sent {_writeRequests} requests with {written.PointCount} distinct metric points, {written.ParamCount} params and "
            + $"{written.TagCount} tags in {writing.TotalSeconds:F1} s, beside {reads} reads; read back {verified} points.");

        failures.Should().BeEmpty();
        verified.Should().Be(written.PointCount);
    }

    // ---------------------------------------------------------------- writing

    private async Task WriteAsync(int writer, string ownRun, List<string> shared, Written written, ConcurrentQueue<string> failures)
    {
        using var client = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var lastOwnBatchPoint = default((string Key, long Timestamp, long Step, double Value)?);
        for (var i = 0; i < Iterations; i++)
        {
            var run = i % 2 == 0 ? ownRun : shared[(writer + i) % SharedRunCount];
            var isShared = run != ownRun;
            switch (i % 4)
            {
                case 0 or 1:
                {
                    var points = Enumerable.Range(0, PointsPerBatch).Select(j => Point(writer, i, j, isShared)).ToList();
                    var parameters = Enumerable.Range(0, 2).Select(k => (Key: $"w{writer}.i{i}.p{k}", Value: $"{writer}/{i}/{k}")).ToList();
                    var tags = Enumerable.Range(0, 2).Select(k => (Key: $"w{writer}.i{i}.t{k}", Value: $"{writer}-{i}-{k}")).ToList();
                    tags.Add((SharedTag, $"w{writer}.i{i}"));
                    var body = new
                    {
                        run_id = run,
                        metrics = points.Select(p => new { key = p.Key, value = p.Value, timestamp = p.Timestamp, step = p.Step }),
                        @params = parameters.Select(p => new { key = p.Key, value = p.Value }),
                        tags = tags.Select(t => new { key = t.Key, value = t.Value }),
                    };
                    if (await SendAsync(client, "runs/log-batch", body, failures))
                    {
                        points.ForEach(p => written.Point(run, p));
                        parameters.ForEach(p => written.Param(run, p.Key, p.Value));
                        tags.ForEach(t => written.Tag(run, t.Key, t.Value));
                        if (!isShared)
                        {
                            lastOwnBatchPoint = points[0];
                        }
                    }

                    break;
                }

                case 2:
                {
                    var point = (Key: "single", Timestamp: BaseTimestamp + i, Step: (long)i, Value: writer + (i / 4.0));
                    if (await SendAsync(client, "runs/log-metric", MetricBody(run, point), failures))
                    {
                        written.Point(run, point);
                    }

                    // An exact repeat of a point already logged is dropped, not stored twice.
                    if (lastOwnBatchPoint is { } repeat)
                    {
                        await SendAsync(client, "runs/log-metric", MetricBody(run, repeat), failures);
                    }

                    var key = $"w{writer}.i{i}.single";
                    if (await SendAsync(client, "runs/log-parameter", new { run_id = run, key, value = "s" }, failures))
                    {
                        written.Param(run, key, "s");
                    }

                    break;
                }

                default:
                {
                    var key = $"w{writer}.i{i}.tag";
                    if (await SendAsync(client, "runs/set-tag", new { run_id = run, key, value = "t" }, failures))
                    {
                        written.Tag(run, key, "t");
                    }

                    if (await SendAsync(client, "runs/set-tag", new { run_id = run, key = SharedTag, value = $"w{writer}.i{i}" }, failures))
                    {
                        written.Tag(run, SharedTag, $"w{writer}.i{i}");
                    }

                    var point = Point(writer, i, PointsPerBatch, isShared);
                    if (await SendAsync(client, "runs/log-metric", MetricBody(run, point), failures))
                    {
                        written.Point(run, point);
                    }

                    break;
                }
            }
        }
    }

    // Distinct (timestamp, step, value) per writer, iteration and index; on shared runs one key is written by every writer.
    private static (string Key, long Timestamp, long Step, double Value) Point(int writer, int iteration, int index, bool shared)
    {
        var key = (shared, index % 2) switch
        {
            (true, 0) => "shared.loss",
            (true, _) => $"w{writer}.acc",
            (false, 0) => "loss",
            _ => "acc",
        };
        return (key, BaseTimestamp + (writer * 1_000_000L) + (iteration * 1_000L) + index, (iteration * 1_000L) + index,
            (writer * 1_000_000.0) + (iteration * 1_000.0) + index + 0.25);
    }

    private static object MetricBody(string run, (string Key, long Timestamp, long Step, double Value) point) =>
        new { run_id = run, key = point.Key, value = point.Value, timestamp = point.Timestamp, step = point.Step };

    private async Task<bool> SendAsync(HttpClient client, string route, object body, ConcurrentQueue<string> failures)
    {
        Interlocked.Increment(ref _writeRequests);
        try
        {
            using var response = await client.PostAsJsonAsync($"{Api}/{route}", body);
            var text = await response.Content.ReadAsStringAsync();
            return Check($"POST {route}", (int)response.StatusCode, text, failures);
        }
        catch (HttpRequestException e)
        {
            failures.Enqueue($"POST {route}: no answer: {e.Message}");
            return false;
        }
    }

    private static bool Check(string what, int status, string body, ConcurrentQueue<string> failures)
    {
        if (status == 200 && !body.Contains("locked", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        failures.Enqueue($"{what}: {status} {(body.Length <= 300 ? body : body[..300])}");
        return false;
    }

    // ---------------------------------------------------------------- reading while writing

    // Light, steady reads beside the writers (WAL readers must neither block nor be blocked); not a load test.
    private async Task ReadUntilStoppedAsync(
        int reader, string experiment, List<string> shared, List<string> own, ConcurrentQueue<string> failures, Action counted,
        CancellationToken stop)
    {
        using var client = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var searchBody = new { experiment_ids = new[] { experiment }, filter = "metrics.loss > 0", max_results = 10, order_by = new[] { "metrics.loss DESC" } };
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            try
            {
                using var response = (n % 3) switch
                {
                    0 => await client.GetAsync($"{Api}/runs/get?run_id={shared[(reader + n) % shared.Count]}", CancellationToken.None),
                    1 => await client.GetAsync($"{Api}/metrics/get-history?run_id={own[(reader + n) % own.Count]}&metric_key=single", CancellationToken.None),
                    _ => await client.PostAsJsonAsync($"{Api}/runs/search", searchBody, CancellationToken.None),
                };
                Check($"read {n % 3}", (int)response.StatusCode, await response.Content.ReadAsStringAsync(CancellationToken.None), failures);
                counted();
                await Task.Delay(5, CancellationToken.None);
            }
            catch (HttpRequestException e)
            {
                failures.Enqueue($"read: no answer: {e.Message}");
            }
        }
    }

    // ---------------------------------------------------------------- reading back

    private async Task<int> VerifyAsync(IReadOnlyList<string> runs, Written written, ConcurrentQueue<string> failures)
    {
        var pointsRead = 0;
        foreach (var run in runs)
        {
            var response = await Server.GetAsync($"{Api}/runs/get?run_id={run}");
            response.EnsureOk();
            var data = response.Json.GetProperty("run").GetProperty("data");

            var parameters = Pairs(data, "params");
            var expectedParams = written.ParamsOf(run);
            if (parameters.Count != expectedParams.Count || expectedParams.Any(p => !parameters.TryGetValue(p.Key, out var v) || v != p.Value))
            {
                failures.Enqueue($"run {run}: {parameters.Count} params read, {expectedParams.Count} written, or a value differs");
            }

            var tags = Pairs(data, "tags");
            foreach (var (key, values) in written.TagsOf(run))
            {
                if (!tags.TryGetValue(key, out var value) || !values.Contains(value))
                {
                    failures.Enqueue($"run {run}: tag {key} is '{value}', not one of the {values.Count} values written");
                }
            }

            var unexpectedTags = tags.Keys.Except(written.TagsOf(run).Keys).Except(["mlflow.runName"]).ToList();
            if (unexpectedTags.Count > 0)
            {
                failures.Enqueue($"run {run}: tags never written: {string.Join(", ", unexpectedTags)}");
            }

            var latest = data.TryGetProperty("metrics", out var metrics)
                ? metrics.EnumerateArray().ToDictionary(m => m.GetProperty("key").GetString()!, Triple, StringComparer.Ordinal)
                : [];
            foreach (var (key, points) in written.PointsOf(run))
            {
                // The latest value is the point with the greatest (step, timestamp, value).
                var expectedLatest = points.MaxBy(p => (p.Step, p.Timestamp, p.Value));
                if (!latest.TryGetValue(key, out var actualLatest) || actualLatest != expectedLatest)
                {
                    failures.Enqueue($"run {run}: latest {key} is {(latest.TryGetValue(key, out var l) ? l.ToString() : "missing")}, expected {expectedLatest}");
                }

                var history = await Server.GetAsync($"{Api}/metrics/get-history?run_id={run}&metric_key={Uri.EscapeDataString(key)}");
                history.EnsureOk();
                var read = history.Json.TryGetProperty("metrics", out var items) ? items.EnumerateArray().Select(Triple).ToList() : [];
                pointsRead += read.Count;
                if (read.Count != points.Count || !read.ToHashSet().SetEquals(points))
                {
                    failures.Enqueue($"run {run}: history of {key} has {read.Count} points ({read.Distinct().Count()} distinct), {points.Count} were written");
                }
            }

            if (latest.Count != written.PointsOf(run).Count)
            {
                failures.Enqueue($"run {run}: {latest.Count} latest metrics, {written.PointsOf(run).Count} keys written");
            }
        }

        return pointsRead;
    }

    private static (long Timestamp, long Step, double Value) Triple(JsonElement metric) =>
        (metric.GetProperty("timestamp").GetInt64(), metric.GetProperty("step").GetInt64(), metric.GetProperty("value").GetDouble());

    private static Dictionary<string, string> Pairs(JsonElement data, string field) =>
        data.TryGetProperty(field, out var items)
            ? items.EnumerateArray().ToDictionary(p => p.GetProperty("key").GetString()!, p => p.GetProperty("value").GetString()!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>What the server confirmed (answered 200 to), per run.</summary>
    private sealed class Written
    {
        private readonly ConcurrentDictionary<(string Run, string Key), ConcurrentDictionary<(long Timestamp, long Step, double Value), byte>> _points = new();
        private readonly ConcurrentDictionary<(string Run, string Key), string> _params = new();
        private readonly ConcurrentDictionary<(string Run, string Key), ConcurrentDictionary<string, byte>> _tags = new();

        public int PointCount => _points.Values.Sum(p => p.Count);

        public int ParamCount => _params.Count;

        public int TagCount => _tags.Count;

        public void Point(string run, (string Key, long Timestamp, long Step, double Value) point) =>
            _points.GetOrAdd((run, point.Key), _ => new())[(point.Timestamp, point.Step, point.Value)] = 0;

        public void Param(string run, string key, string value) => _params[(run, key)] = value;

        public void Tag(string run, string key, string value) => _tags.GetOrAdd((run, key), _ => new())[value] = 0;

        public Dictionary<string, HashSet<(long Timestamp, long Step, double Value)>> PointsOf(string run) =>
            _points.Where(p => p.Key.Run == run).ToDictionary(p => p.Key.Key, p => p.Value.Keys.ToHashSet(), StringComparer.Ordinal);

        public Dictionary<string, string> ParamsOf(string run) =>
            _params.Where(p => p.Key.Run == run).ToDictionary(p => p.Key.Key, p => p.Value, StringComparer.Ordinal);

        public Dictionary<string, HashSet<string>> TagsOf(string run) =>
            _tags.Where(t => t.Key.Run == run).ToDictionary(t => t.Key.Key, t => t.Value.Keys.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }
}
