using System.Net;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Artifacts;

/// <summary>A run's artifacts through the tracking API (artifacts/list, /get-artifact), as the UI reads them.</summary>
public sealed class RunArtifactsTests : ServerTestBase
{
    private async Task<(string ExperimentId, string RunId)> RunWithArtifactsAsync()
    {
        var experimentId = await Server.CreateExperimentAsync();
        var runId = await Server.CreateRunAsync(experimentId);
        foreach (var (path, size) in new[] { ("model/MLmodel", 12), ("model/model.json", 30), ("plot.png", 5) })
        {
            using var content = new ByteArrayContent(new byte[size]);
            (await Server.Client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/{runId}/artifacts/{path}", content))
                .StatusCode.Should().Be(HttpStatusCode.OK);
        }

        return (experimentId, runId);
    }

    [Test]
    public async Task ListShowsRunRelativePathsOneLevelAtATimeWithTheRootUri()
    {
        var (experimentId, runId) = await RunWithArtifactsAsync();

        var top = await Server.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}");
        var model = await Server.GetAsync($"/ajax-api/2.0/mlflow/artifacts/list?run_uuid={runId}&path=model");

        top.Json.GetProperty("root_uri").GetString().Should().Be($"mlflow-artifacts:/{experimentId}/{runId}/artifacts");
        top.Json.GetProperty("files").GetRawText().Should().Be(
            """[{"path":"model","is_dir":true},{"path":"plot.png","is_dir":false,"file_size":5}]""");
        model.Json.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString())
            .Should().Equal("model/MLmodel", "model/model.json");
    }

    [Test]
    public async Task ListOfAFileOrAMissingPathHasOnlyTheRootUri()
    {
        var (_, runId) = await RunWithArtifactsAsync();

        var file = await Server.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}&path=plot.png");
        var missing = await Server.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}&path=nothing/here");

        file.Json.TryGetProperty("files", out _).Should().BeFalse();
        missing.Json.TryGetProperty("files", out _).Should().BeFalse();
        missing.Json.GetProperty("root_uri").GetString().Should().EndWith($"{runId}/artifacts");
    }

    [Test]
    public async Task ListOfARunWithoutArtifactsAndOfAnUnknownRun()
    {
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());

        var empty = await Server.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}");
        var unknown = await Server.GetAsync("/api/2.0/mlflow/artifacts/list?run_id=00000000000000000000000000000000");

        empty.Status.Should().Be(200);
        empty.Json.TryGetProperty("files", out _).Should().BeFalse();
        unknown.Status.Should().Be(404);
    }

    [Test]
    public async Task GetArtifactSendsTheFileAsAnAttachment()
    {
        var (_, runId) = await RunWithArtifactsAsync();

        using var response = await Server.Client.GetAsync($"/get-artifact?path=model/model.json&run_uuid={runId}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().HaveCount(30);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        response.Content.Headers.ContentDisposition!.FileName.Should().Be("model.json");
    }

    [Test]
    public async Task GetArtifactOfAMissingFileIs404()
    {
        var (_, runId) = await RunWithArtifactsAsync();

        var response = await Server.GetAsync($"/get-artifact?path=nope.txt&run_id={runId}");

        response.Status.Should().Be(404);
        response.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
    }
}

/// <summary>With --no-serve-artifacts: no proxy (503 text/plain as MLflow), runs get a local artifact root.</summary>
public sealed class NoServeArtifactsTests
{
    private RunningServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _server = await RunningServer.StartAsync(o => o with
    {
        ServeArtifacts = false,
        DefaultArtifactRoot = Path.Combine(Path.GetTempPath(), "mltrack-tests", Guid.NewGuid().ToString("N"), "mlruns"),
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    [Test]
    public async Task TheProxyAnswers503TextPlain()
    {
        var response = await _server.GetAsync("/api/2.0/mlflow-artifacts/artifacts?path=x");

        response.Status.Should().Be(503);
        response.ContentType.Should().Be("text/plain");
        response.Body.Should().Contain("--no-serve-artifacts");
    }

    [Test]
    public async Task RunsGetALocalArtifactRootThatTheTrackingApiLists()
    {
        var experimentId = await _server.CreateExperimentAsync();
        var runId = await _server.CreateRunAsync(experimentId);
        var run = (await _server.GetAsync($"/api/2.0/mlflow/runs/get?run_id={runId}")).Json.GetProperty("run").GetProperty("info");
        var artifactUri = run.GetProperty("artifact_uri").GetString()!;
        Directory.CreateDirectory(artifactUri);
        await File.WriteAllTextAsync(Path.Combine(artifactUri, "local.txt"), "hello");

        var list = await _server.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}");
        var download = await _server.Client.GetStringAsync($"/get-artifact?path=local.txt&run_id={runId}");

        Path.IsPathRooted(artifactUri).Should().BeTrue();
        artifactUri.Should().EndWith($"/{experimentId}/{runId}/artifacts");
        list.Json.GetProperty("files")[0].GetProperty("path").GetString().Should().Be("local.txt");
        download.Should().Be("hello");
    }
}
