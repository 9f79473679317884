using System.Diagnostics;
using System.Net;
using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

/// <summary>Retries of idempotent calls (stub handler: the server cannot be made to fail on cue).</summary>
public sealed class RetryTests
{
    private const string ExperimentJson = """{"experiment": {"experiment_id": "1", "name": "e"}}""";
    private const string RunJson = """{"run": {"info": {"run_id": "r1", "experiment_id": "1", "artifact_uri": "mlflow-artifacts:/1/r1/artifacts"}}}""";

    [TestCase(HttpStatusCode.TooManyRequests)]
    [TestCase(HttpStatusCode.BadGateway)]
    [TestCase(HttpStatusCode.ServiceUnavailable)]
    [TestCase(HttpStatusCode.GatewayTimeout)]
    public async Task RetriesTransientStatusesUntilTheCallSucceeds(HttpStatusCode status)
    {
        var stub = new StubHandler(Error(status), Error(status), StubHandler.Json(HttpStatusCode.OK, ExperimentJson));
        using var client = Client(stub);

        var experiment = await client.Experiments.GetAsync("1");

        experiment.Name.Should().Be("e");
        stub.Count.Should().Be(3);
    }

    [TestCase(HttpStatusCode.InternalServerError)]
    [TestCase(HttpStatusCode.BadRequest)]
    [TestCase(HttpStatusCode.NotFound)]
    [TestCase(HttpStatusCode.Unauthorized)]
    public async Task DoesNotRetryOtherStatuses(HttpStatusCode status)
    {
        var stub = new StubHandler(Error(status), StubHandler.Json(HttpStatusCode.OK, ExperimentJson));
        using var client = Client(stub);

        var act = () => client.Experiments.GetAsync("1");

        (await act.Should().ThrowAsync<MlflowApiException>()).Which.StatusCode.Should().Be(status);
        stub.Count.Should().Be(1);
    }

    [Test]
    public async Task RetriesConnectionFailures()
    {
        var stub = new StubHandler(StubHandler.Refused(), StubHandler.Refused(), StubHandler.Json(HttpStatusCode.OK, ExperimentJson));
        using var client = Client(stub);

        await client.Experiments.GetAsync("1");

        stub.Count.Should().Be(3);
    }

    [Test]
    public async Task GivesUpAfterMaxRetriesWithTheLastAnswer()
    {
        var stub = new StubHandler(Error(HttpStatusCode.ServiceUnavailable));
        using var client = Client(stub, maxRetries: 3);

        var act = () => client.Runs.SearchAsync(["1"]);

        (await act.Should().ThrowAsync<MlflowApiException>()).Which.ErrorCode.Should().Be("TEMPORARILY_UNAVAILABLE");
        stub.Count.Should().Be(4);
    }

    [Test]
    public async Task GivesUpAfterMaxRetriesOfConnectionFailuresWithTheConnectionError()
    {
        var stub = new StubHandler(StubHandler.Refused());
        using var client = Client(stub, maxRetries: 2);

        await FluentActions.Awaiting(() => client.Runs.GetAsync("r1")).Should().ThrowAsync<HttpRequestException>();
        stub.Count.Should().Be(3);
    }

    [Test]
    public async Task ZeroMaxRetriesTurnsRetriesOff()
    {
        var stub = new StubHandler(Error(HttpStatusCode.ServiceUnavailable), StubHandler.Json(HttpStatusCode.OK, ExperimentJson));
        using var client = Client(stub, maxRetries: 0);

        await FluentActions.Awaiting(() => client.Experiments.GetAsync("1")).Should().ThrowAsync<MlflowApiException>();
        stub.Count.Should().Be(1);
    }

    [Test]
    public async Task StatusesToRetryAreConfigurable()
    {
        var stub = new StubHandler(Error(HttpStatusCode.InternalServerError), StubHandler.Json(HttpStatusCode.OK, ExperimentJson));
        var options = Options(3);
        options.Retry.StatusCodes.Add(HttpStatusCode.InternalServerError);
        using var http = new HttpClient(stub);
        using var client = new MlflowClient(options, http);

        await client.Experiments.GetAsync("1");

        stub.Count.Should().Be(2);
    }

    public static IEnumerable<TestCaseData> NonIdempotentCalls()
    {
        yield return new TestCaseData((Func<MlflowClient, Task>)(c => c.Experiments.CreateAsync("e"))).SetArgDisplayNames("experiments/create");
        yield return new TestCaseData((Func<MlflowClient, Task>)(c => c.Experiments.DeleteAsync("1"))).SetArgDisplayNames("experiments/delete");
        yield return new TestCaseData((Func<MlflowClient, Task>)(c => c.Runs.CreateAsync("1"))).SetArgDisplayNames("runs/create");
        yield return new TestCaseData((Func<MlflowClient, Task>)(c => c.Runs.DeleteTagAsync("r1", "k"))).SetArgDisplayNames("runs/delete-tag");
        yield return new TestCaseData((Func<MlflowClient, Task>)(c => c.Runs.LogModelAsync("r1", "{}"))).SetArgDisplayNames("runs/log-model");
        yield return new TestCaseData((Func<MlflowClient, Task>)(c => c.RegisteredModels.CreateAsync("m"))).SetArgDisplayNames("registered-models/create");
        yield return new TestCaseData((Func<MlflowClient, Task>)(c => c.ModelVersions.CreateAsync("m", "s"))).SetArgDisplayNames("model-versions/create");
        yield return new TestCaseData((Func<MlflowClient, Task>)(c => c.ModelVersions.TransitionStageAsync("m", "1", "Production")))
            .SetArgDisplayNames("model-versions/transition-stage");
    }

    [TestCaseSource(nameof(NonIdempotentCalls))]
    public async Task NeverRetriesCallsThatAreNotIdempotent(Func<MlflowClient, Task> call)
    {
        var unavailable = new StubHandler(Error(HttpStatusCode.ServiceUnavailable), StubHandler.Json(HttpStatusCode.OK, "{}"));
        var refused = new StubHandler(StubHandler.Refused(), StubHandler.Json(HttpStatusCode.OK, "{}"));
        using var first = Client(unavailable);
        using var second = Client(refused);

        await FluentActions.Awaiting(() => call(first)).Should().ThrowAsync<MlflowApiException>();
        await FluentActions.Awaiting(() => call(second)).Should().ThrowAsync<HttpRequestException>();
        unavailable.Count.Should().Be(1);
        refused.Count.Should().Be(1);
    }

    [Test]
    public async Task WaitsLongerAfterEachAttempt()
    {
        var unavailable = Error(HttpStatusCode.ServiceUnavailable);
        var stub = new StubHandler(unavailable, unavailable, unavailable, StubHandler.Json(HttpStatusCode.OK, ExperimentJson));
        var options = Options(3);
        options.Retry.InitialDelay = TimeSpan.FromMilliseconds(100);
        using var http = new HttpClient(stub);
        using var client = new MlflowClient(options, http);

        var clock = Stopwatch.StartNew();
        await client.Experiments.GetAsync("1");

        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(100 + 200 + 400 - 30));
    }

    [Test]
    public async Task HonoursRetryAfter()
    {
        var stub = new StubHandler(
            _ => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(1)) } },
            StubHandler.Json(HttpStatusCode.OK, ExperimentJson));
        using var client = Client(stub);

        var clock = Stopwatch.StartNew();
        await client.Experiments.GetAsync("1");

        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950));
        stub.Count.Should().Be(2);
    }

    [Test]
    public async Task CancellationStopsRetrying()
    {
        var stub = new StubHandler(Error(HttpStatusCode.ServiceUnavailable));
        var options = Options(10);
        options.Retry.InitialDelay = TimeSpan.FromSeconds(5);
        using var http = new HttpClient(stub);
        using var client = new MlflowClient(options, http);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await FluentActions.Awaiting(() => client.Experiments.GetAsync("1", cancellation.Token)).Should().ThrowAsync<OperationCanceledException>();
        stub.Count.Should().Be(1);
    }

    [Test]
    public async Task TheBatchLoggerRetriesLogBatch()
    {
        var stub = new StubHandler(Error(HttpStatusCode.ServiceUnavailable), StubHandler.Json(HttpStatusCode.OK, "{}"));
        using var client = Client(stub);
        await using var logger = client.CreateBatchLogger("r1");

        logger.LogMetric("m", 1);
        await logger.FlushAsync();

        stub.Count.Should().Be(2);
        logger.FailedBatchCount.Should().Be(0);
    }

    [Test]
    public async Task AFileUploadIsRetriedFromTheStartOfTheFile()
    {
        var bodies = new List<string>();
        var stub = new StubHandler(
            StubHandler.Json(HttpStatusCode.OK, RunJson),
            request => { bodies.Add(request.Content!.ReadAsStringAsync().Result); return Error(HttpStatusCode.BadGateway)(request); },
            request => { bodies.Add(request.Content!.ReadAsStringAsync().Result); return StubHandler.Json(HttpStatusCode.OK, "{}")(request); });
        using var client = Client(stub);
        var file = Path.Combine(Path.GetTempPath(), $"retry-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, "payload");

        await client.Artifacts.UploadFileAsync("r1", file);

        bodies.Should().Equal("payload", "payload");
        stub.Requests.Select(r => r.PathAndQuery).Last().Should().Be($"/api/2.0/mlflow-artifacts/artifacts/1/r1/artifacts/{Path.GetFileName(file)}");
        File.Delete(file);
    }

    [Test]
    public async Task AForwardOnlyStreamUploadIsNotRetried()
    {
        var stub = new StubHandler(
            StubHandler.Json(HttpStatusCode.OK, RunJson), Error(HttpStatusCode.BadGateway), StubHandler.Json(HttpStatusCode.OK, "{}"));
        using var client = Client(stub);
        using var content = new ForwardOnlyStream("x"u8.ToArray());

        await FluentActions.Awaiting(() => client.Artifacts.UploadAsync("r1", "a.txt", content)).Should().ThrowAsync<MlflowApiException>();
        stub.Count.Should().Be(2);
    }

    private static Func<HttpRequestMessage, HttpResponseMessage> Error(HttpStatusCode status) =>
        StubHandler.Json(status, $$"""{"error_code": "{{(status == HttpStatusCode.ServiceUnavailable ? "TEMPORARILY_UNAVAILABLE" : "X")}}"}""");

    private static MlflowClientOptions Options(int maxRetries) => new()
    {
        TrackingUri = new Uri("http://stub.invalid:5000"),
        Retry = { MaxRetries = maxRetries, InitialDelay = TimeSpan.FromMilliseconds(1), UseJitter = false },
    };

    private static MlflowClient Client(StubHandler stub, int maxRetries = 5) => new(Options(maxRetries), new HttpClient(stub));

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
