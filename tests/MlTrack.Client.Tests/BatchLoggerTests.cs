using System.Text.Json;
using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

/// <summary>The background batching logger against the real server; a recording handler counts what it sent.</summary>
public sealed class BatchLoggerTests : ServerTestBase
{
    private RecordingHandler _recorder = null!;
    private HttpClient _http = null!;
    private MlflowClient _client = null!;

    [SetUp]
    public void CreateRecordingClient()
    {
        _recorder = new RecordingHandler();
        _http = new HttpClient(_recorder);
        _client = new MlflowClient(Server.Options(), _http);
    }

    [TearDown]
    public void DisposeRecordingClient()
    {
        _client.Dispose();
        _http.Dispose();
        _recorder.Dispose();
    }

    [Test]
    public async Task SendsEverythingInOrderWithinMlflowsBatchLimits()
    {
        var run = await NewRunAsync();
        // One request at a time, so that the recorded request order is the send order.
        var logger = _client.CreateBatchLogger(run.Info.RunId, new BatchLoggerOptions { MaxConcurrentRequests = 1 });
        for (var i = 0; i < 2500; i++)
        {
            logger.LogMetric("loss", i / 10.0, step: i, timestamp: 1000 + i);
            if (i % 10 == 0)
            {
                logger.LogParam($"p{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                logger.SetTag($"t{i % 300}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        await logger.DisposeAsync();

        var batches = _recorder.To("/runs/log-batch").Select(r => JsonDocument.Parse(r.Body!).RootElement).ToList();
        batches.Should().OnlyContain(b => Count(b, "metrics") <= 1000 && Count(b, "params") <= 100 && Count(b, "tags") <= 100
            && Count(b, "metrics") + Count(b, "params") + Count(b, "tags") <= 1000);
        batches.Sum(b => Count(b, "metrics")).Should().Be(2500);
        batches.Sum(b => Count(b, "params")).Should().Be(250);
        batches.SelectMany(b => Items(b, "metrics")).Select(m => m.GetProperty("step").GetInt64())
            .Should().Equal(Enumerable.Range(0, 2500).Select(i => (long)i));
        _recorder.Requests.Should().OnlyContain(r => r.Status == 200);

        var history = await Client.Metrics.GetHistoryAllAsync(run.Info.RunId, "loss").ToListAsync();
        history.Should().HaveCount(2500);
        history[123].Should().Be(new Metric("loss", 12.3, 1123, 123));
        var data = (await Client.Runs.GetAsync(run.Info.RunId)).Data;
        data.Params.Should().HaveCount(250);
        data.Tag("t290").Should().Be("2390", "the last value logged for a tag wins");
    }

    [Test]
    public async Task OverlappingMetricRequestsStillStoreEveryPointAndTagsInCallOrder()
    {
        var run = await NewRunAsync();
        await using var logger = _client.CreateBatchLogger(run.Info.RunId, new BatchLoggerOptions { MaxConcurrentRequests = 4 });

        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 3000; i++)
            {
                logger.LogMetric("m", i, step: (round * 3000) + i);
            }

            logger.SetTag("round", $"{round}");
        }

        await logger.FlushAsync();

        (await Client.Metrics.GetHistoryAllAsync(run.Info.RunId, "m").Select(m => m.Step).ToListAsync())
            .Should().Equal(Enumerable.Range(0, 15_000).Select(i => (long)i));
        (await Client.Runs.GetAsync(run.Info.RunId)).Data.Tag("round").Should().Be("4");
    }

    [Test]
    public async Task LoggingTheSameParamTwiceIsSplitIntoTwoRequestsAndAccepted()
    {
        var run = await NewRunAsync();
        await using var logger = _client.CreateBatchLogger(run.Info.RunId);

        logger.LogParam("alpha", "0.5");
        logger.LogParam("alpha", "0.5");
        await logger.FlushAsync();

        (await Client.Runs.GetAsync(run.Info.RunId)).Data.Params.Should().Equal(new Param("alpha", "0.5"));
    }

    [Test]
    public async Task FlushWaitsUntilEverythingQueuedIsStored()
    {
        var run = await NewRunAsync();
        await using var logger = _client.CreateBatchLogger(run.Info.RunId);

        for (var i = 0; i < 5000; i++)
        {
            logger.LogMetric("acc", i, step: i);
        }

        await logger.FlushAsync();

        (await Client.Metrics.GetHistoryAsync(run.Info.RunId, "acc")).Items.Should().HaveCount(5000);
    }

    [Test]
    public async Task DisposeFlushesAndLaterCallsAreRefused()
    {
        var run = await NewRunAsync();
        var logger = _client.CreateBatchLogger(run.Info.RunId);
        logger.SetTag("state", "done");

        await logger.DisposeAsync();

        (await Client.Runs.GetAsync(run.Info.RunId)).Data.Tag("state").Should().Be("done");
        FluentActions.Invoking(() => logger.LogMetric("late", 1)).Should().Throw<ObjectDisposedException>();
    }

    [Test]
    public async Task AFailedRequestSurfacesFromTheNextCallOnceAndLoggingGoesOn()
    {
        var run = await NewRunAsync();
        await using var logger = _client.CreateBatchLogger(run.Info.RunId);
        logger.LogParam("alpha", "1");
        logger.LogParam("alpha", "2");
        await WaitUntilAsync(() => logger.FailedBatchCount > 0);

        var error = FluentActions.Invoking(() => logger.LogMetric("after", 1)).Should().Throw<MlflowApiException>().Which;

        error.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
        logger.LogMetric("after", 2);
        await logger.FlushAsync();
        (await Client.Metrics.GetHistoryAsync(run.Info.RunId, "after")).Items.Select(m => m.Value).Should().Equal(2.0);
    }

    [Test]
    public async Task AFailedRequestSurfacesFromFlush()
    {
        await using var logger = _client.CreateBatchLogger("0123456789abcdef0123456789abcdef");
        logger.LogMetric("m", 1);

        var act = () => logger.FlushAsync();

        (await act.Should().ThrowAsync<MlflowApiException>()).Which.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
        await logger.FlushAsync();
        logger.FailedBatchCount.Should().Be(1);
    }

    [Test]
    public async Task AShortQueueBlocksProducersInsteadOfDroppingPoints()
    {
        var run = await NewRunAsync();
        await using var logger = _client.CreateBatchLogger(run.Info.RunId, new BatchLoggerOptions { MaxQueueLength = 10 });

        for (var i = 0; i < 3000; i++)
        {
            logger.LogMetric("m", i, step: i);
        }

        await logger.FlushAsync();
        (await Client.Metrics.GetHistoryAsync(run.Info.RunId, "m")).Items.Should().HaveCount(3000);
    }

    [Test]
    public async Task ConcurrentProducersLoseNothing()
    {
        var run = await NewRunAsync();
        await using var logger = _client.CreateBatchLogger(run.Info.RunId);

        await Parallel.ForEachAsync(Enumerable.Range(0, 4), (producer, _) =>
        {
            for (var i = 0; i < 2000; i++)
            {
                logger.LogMetric($"m{producer}", i, step: i);
            }

            return ValueTask.CompletedTask;
        });
        await logger.FlushAsync();

        foreach (var producer in Enumerable.Range(0, 4))
        {
            (await Client.Metrics.GetHistoryAsync(run.Info.RunId, $"m{producer}")).Items.Select(m => m.Step)
                .Should().Equal(Enumerable.Range(0, 2000).Select(i => (long)i));
        }
    }

    [Test]
    public async Task StampsPointsWithTheClientsClock()
    {
        var run = await NewRunAsync();
        var options = Server.Options();
        options.TimeProvider = new FixedTime(DateTimeOffset.FromUnixTimeMilliseconds(1_234_567));
        using var client = new MlflowClient(options);
        await using var logger = client.CreateBatchLogger(run.Info.RunId);

        logger.LogMetric("m", 1);
        await logger.FlushAsync();

        (await Client.Metrics.GetHistoryAsync(run.Info.RunId, "m")).Items.Single().Timestamp.Should().Be(1_234_567);
    }

    private static int Count(JsonElement batch, string name) => Items(batch, name).Count;

    private static List<JsonElement> Items(JsonElement batch, string name) =>
        batch.TryGetProperty(name, out var list) ? [.. list.EnumerateArray()] : [];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        condition().Should().BeTrue("the condition should hold within 5 s");
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
