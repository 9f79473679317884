using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Api;

public sealed class MetricsApiTests : ServerTestBase
{
    private const string Api = "/api/2.0/mlflow/metrics";

    private async Task<string> RunWithStepsAsync(string experimentId, IEnumerable<long> steps, string key = "loss")
    {
        var runId = await Server.CreateRunAsync(experimentId);
        foreach (var chunk in steps.Chunk(1000))
        {
            (await Server.PostAsync("/api/2.0/mlflow/runs/log-batch", new
            {
                run_id = runId,
                metrics = chunk.Select(step => new { key, value = step * 0.5, timestamp = 1000 + step, step }),
            })).EnsureOk();
        }

        return runId;
    }

    private async Task<string> RunWithPointsAsync(string experimentId, IEnumerable<(long Step, long Timestamp, double Value)> points)
    {
        var runId = await Server.CreateRunAsync(experimentId);
        foreach (var chunk in points.Chunk(1000))
        {
            (await Server.PostAsync("/api/2.0/mlflow/runs/log-batch", new
            {
                run_id = runId,
                metrics = chunk.Select(p => new { key = "loss", value = double.IsNaN(p.Value) ? (object)"NaN" : p.Value, timestamp = p.Timestamp, step = p.Step }),
            })).EnsureOk();
        }

        return runId;
    }

    private static List<(string RunId, long Step, long Timestamp, double Value)> Points(ApiResponse response)
    {
        response.EnsureOk();
        return response.Json.TryGetProperty("metrics", out var metrics)
            ? [.. metrics.EnumerateArray().Select(m => (m.GetProperty("run_id").GetString() ?? "", m.GetProperty("step").GetInt64(), m.GetProperty("timestamp").GetInt64(),
                m.GetProperty("value") is { ValueKind: System.Text.Json.JsonValueKind.String } text
                    ? double.Parse(text.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : m.GetProperty("value").GetDouble()))]
            : [];
    }

    [Test]
    public async Task HistoryWithoutMaxResultsReturnsEveryPointInTimestampOrder()
    {
        var runId = await RunWithStepsAsync(await Server.CreateExperimentAsync(), Enumerable.Range(0, 2500).Select(i => (long)(2499 - i)));

        var response = await Server.GetAsync($"{Api}/get-history?run_uuid={runId}&run_id={runId}&metric_key=loss");

        var metrics = response.Json.GetProperty("metrics").EnumerateArray().ToList();
        metrics.Should().HaveCount(2500);
        metrics.Select(m => m.GetProperty("timestamp").GetInt64()).Should().BeInAscendingOrder();
        metrics[0].GetProperty("key").GetString().Should().Be("loss");
        metrics[0].GetProperty("step").GetInt64().Should().Be(0);
        metrics[^1].GetProperty("value").GetDouble().Should().Be(1249.5);
        response.Json.TryGetProperty("next_page_token", out _).Should().BeFalse();
    }

    [Test]
    public async Task HistoryPagesFollowTokensUntilTheLastPoint()
    {
        var runId = await RunWithStepsAsync(await Server.CreateExperimentAsync(), Enumerable.Range(0, 2500).Select(i => (long)i));
        var steps = new List<long>();
        var pageSizes = new List<int>();
        string? token = null;

        do
        {
            var query = $"{Api}/get-history?run_id={runId}&metric_key=loss&max_results=1000" + (token is null ? "" : $"&page_token={Uri.EscapeDataString(token)}");
            var page = (await Server.GetAsync(query)).Json;
            var points = page.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("step").GetInt64()).ToList();
            pageSizes.Add(points.Count);
            steps.AddRange(points);
            token = page.TryGetProperty("next_page_token", out var next) ? next.GetString() : null;
        }
        while (token is not null);

        pageSizes.Should().Equal(1000, 1000, 500);
        steps.Should().Equal(Enumerable.Range(0, 2500).Select(i => (long)i));
    }

    [Test]
    public async Task HistoryOfAnUnknownRunOrKeyIsAnEmptyObject()
    {
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());

        var unknownRun = await Server.GetAsync($"{Api}/get-history?run_id=ffffffffffffffffffffffffffffffff&metric_key=x");
        var unknownKey = await Server.GetAsync($"{Api}/get-history?run_id={runId}&metric_key=x");
        var noKey = await Server.GetAsync($"{Api}/get-history?run_id={runId}");

        unknownRun.Body.Should().Be("{}");
        unknownKey.Body.Should().Be("{}");
        noKey.Status.Should().Be(400);
    }

    [Test]
    public async Task BulkIntervalReturnsAllStepsWhenTheyFit()
    {
        var experimentId = await Server.CreateExperimentAsync();
        var run1 = await RunWithStepsAsync(experimentId, [0, 1, 2, 3]);
        var run2 = await RunWithStepsAsync(experimentId, [2, 5]);

        var response = await Server.GetAsync($"{Api}/get-history-bulk-interval?run_ids={run1}&run_ids={run2}&metric_key=loss");

        var points = response.Json.GetProperty("metrics").EnumerateArray()
            .Select(m => (m.GetProperty("run_id").GetString() ?? "", m.GetProperty("step").GetInt64())).ToList();
        points.Should().Equal((run1, 0), (run1, 1), (run1, 2), (run1, 3), (run2, 2), (run2, 5));
    }

    [Test]
    public async Task BulkIntervalSamplesLongSeriesKeepingFirstAndLastSteps()
    {
        var runId = await RunWithStepsAsync(await Server.CreateExperimentAsync(), Enumerable.Range(0, 1000).Select(i => (long)i));

        var response = await Server.GetAsync($"{Api}/get-history-bulk-interval?run_ids={runId}&metric_key=loss&max_results=10");
        var ranged = await Server.GetAsync($"{Api}/get-history-bulk-interval?run_ids={runId}&metric_key=loss&start_step=100&end_step=104");

        var steps = response.Json.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("step").GetInt64()).ToList();
        steps.Should().Equal(0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999);
        ranged.Json.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("step").GetInt64()).Should().Equal(100, 101, 102, 103, 104);
    }

    [Test]
    public async Task BulkIntervalPicksMlflowsStepsAndPointsOnAnIrregularSeries()
    {
        // Negative steps, a dense stretch, gaps, several points at some steps (one re-logged much later), a NaN.
        var points = new List<(long Step, long Timestamp, double Value)>();
        points.AddRange(Enumerable.Range(-50, 50).Select(s => ((long)s, 5_000L + s, s * 0.1)));
        points.AddRange(Enumerable.Range(0, 6000).Select(s => ((long)s, 10_000L + s, Math.Sin(s))));
        points.AddRange(Enumerable.Range(0, 7715).Select(i => (6000L + (7 * i), 20_000L + i, (double)i)));
        points.AddRange(Enumerable.Range(0, 60).SelectMany(i => new[] { (100L + (97 * i), 10_050L + (97 * i), -1.0), (100L + (97 * i), 9_000_000L + i, 2.0) }));
        points.Add((63, 1, double.NaN));
        var runId = await RunWithPointsAsync(await Server.CreateExperimentAsync(), points);
        var steps = points.Select(p => p.Step).ToList();

        foreach (var (maxResults, start, end) in new (int?, long?, long?)[]
        {
            (null, null, null), (1, null, null), (10, null, null), (1000, null, null), (1000, -20, 100), (100, 100, 4000),
            (50, 5000, 5000), (10, 59_990, 70_000), (10, -100, -60), (3, 0, 0), (2500, -50, 59_999), (7, 62, 64),
        })
        {
            var query = (maxResults is null ? "" : $"&max_results={maxResults}") + (start is null ? "" : $"&start_step={start}&end_step={end}");
            var response = await Server.GetAsync($"{Api}/get-history-bulk-interval?run_ids={runId}&metric_key=loss{query}");

            var sampled = MlflowSampling.SampledSteps([steps], start, end, maxResults ?? 2500);
            Points(response).Should().Equal(MlflowSampling.PointsAt(points, sampled).Select(p => (runId, p.Step, p.Timestamp, p.Value)), query);
        }
    }

    [Test]
    public async Task BulkIntervalPoolsTheStepsOfSeveralRunsAndAnswersEachAsListed()
    {
        var experimentId = await Server.CreateExperimentAsync();
        // In step order; all at one timestamp; timestamps against step order.
        var a = Enumerable.Range(0, 3000).Select(s => ((long)s, 1000L + s, s * 0.5)).ToList();
        var b = Enumerable.Range(0, 2501).Select(i => (1500L + (3 * i), 42L, (double)i)).ToList();
        var c = Enumerable.Range(-10, 21).Select(s => ((long)s, 100L - s, (double)s)).ToList();
        var (runA, runB, runC) = (await RunWithPointsAsync(experimentId, a), await RunWithPointsAsync(experimentId, b), await RunWithPointsAsync(experimentId, c));
        var series = new Dictionary<string, List<(long Step, long Timestamp, double Value)>> { [runA] = a, [runB] = b, [runC] = c };
        var unknown = "0123456789abcdef0123456789abcdef";
        string[] listed = [runA, runB, runA, unknown, runC];

        foreach (var (maxResults, start, end) in new (int, long?, long?)[] { (2500, null, null), (100, null, null), (50, 1000, 2000), (1000, -5, 5), (5, 8000, 9000) })
        {
            var query = string.Concat(listed.Select(r => $"&run_ids={r}")) + $"&max_results={maxResults}" + (start is null ? "" : $"&start_step={start}&end_step={end}");
            var response = await Server.GetAsync($"{Api}/get-history-bulk-interval?metric_key=loss{query}");

            var sampled = MlflowSampling.SampledSteps([.. series.Values.Select(s => s.Select(p => p.Step).ToList())], start, end, maxResults);
            var expected = listed.Where(series.ContainsKey)
                .SelectMany(r => MlflowSampling.PointsAt(series[r], sampled).Select(p => (r, p.Step, p.Timestamp, p.Value)));
            Points(response).Should().Equal(expected, query);
        }
    }

    [Test]
    public async Task BulkIntervalReturnsAtMost25000PointsOfARunInStepTimestampValueOrder()
    {
        var points = Enumerable.Range(0, 26_000).Select(i => ((long)(i % 3), 1_000_000L - i, (double)(i % 11))).ToList();
        var runId = await RunWithPointsAsync(await Server.CreateExperimentAsync(), points);

        var response = await Server.GetAsync($"{Api}/get-history-bulk-interval?run_ids={runId}&metric_key=loss");

        var expected = MlflowSampling.PointsAt(points, [0, 1, 2]);
        expected.Should().HaveCount(25_000);
        Points(response).Should().Equal(expected.Select(p => (runId, p.Step, p.Timestamp, p.Value)));
    }

    [Test]
    public async Task BulkIntervalOfAnUnknownKeyOrRunHasNoPoints()
    {
        var runId = await RunWithStepsAsync(await Server.CreateExperimentAsync(), [0, 1]);

        var unknownKey = await Server.GetAsync($"{Api}/get-history-bulk-interval?run_ids={runId}&metric_key=nope");
        var unknownRun = await Server.GetAsync($"{Api}/get-history-bulk-interval?run_ids=0123456789abcdef0123456789abcdef&metric_key=loss");

        Points(unknownKey).Should().BeEmpty();
        Points(unknownRun).Should().BeEmpty();
    }

    [TestCase("metric_key=loss", "Missing value for required parameter 'run_ids'.")]
    [TestCase("run_ids=a&metric_key=loss&max_results=0", "max_results must be between 1 and 2500.")]
    [TestCase("run_ids=a&metric_key=loss&max_results=2501", "max_results must be between 1 and 2500.")]
    [TestCase("run_ids=a&metric_key=loss&start_step=5", "If either start step or end step are specified, both must be specified.")]
    [TestCase("run_ids=a&metric_key=loss&start_step=5&end_step=1", "end_step must be greater than start_step.")]
    public async Task BulkIntervalValidatesItsArguments(string query, string message)
    {
        var response = await Server.GetAsync($"{Api}/get-history-bulk-interval?{query}");

        response.Status.Should().Be(400);
        response.Message.Should().StartWith(message);
    }

    [Test]
    public async Task ALongQueryStringOfAThousandRunIdsIsReadNotRejectedByTheHttpServer()
    {
        var query = string.Join("&", Enumerable.Range(0, 1000).Select(i => $"run_ids={i:x32}"));
        query.Length.Should().BeGreaterThan(14_000);

        var response = await Server.GetAsync($"{Api}/get-history-bulk-interval?{query}&metric_key=loss");

        response.Status.Should().Be(400, "the request line is read and the run count refused by the API, not by Kestrel");
        response.Message.Should().StartWith("GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 1000 run_ids.");
    }

    [Test]
    public async Task AjaxBulkHistoryReturnsEveryPointOfSeveralRunsOrderedByRun()
    {
        var experimentId = await Server.CreateExperimentAsync();
        var runA = await RunWithStepsAsync(experimentId, [0, 1]);
        var runB = await RunWithStepsAsync(experimentId, [0]);

        var response = await Server.GetAsync($"/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id={runA}&run_id={runB}&metric_key=loss&max_results=25000");

        var runs = response.Json.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("run_id").GetString()).ToList();
        runs.Should().HaveCount(3);
        runs.Should().BeInAscendingOrder(StringComparer.Ordinal);
    }
}
