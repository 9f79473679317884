using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.ModelRegistry;

/// <summary>What a version's source may be, and where get-download-uri then says the files are.</summary>
public sealed class ModelVersionSourceTests : RegistryTestBase
{
    [Test]
    public async Task ARunsUriIsResolvedThroughTheRunsArtifactUri()
    {
        var experimentId = await Server.CreateExperimentAsync();
        var runId = await Server.CreateRunAsync(experimentId);
        var name = await CreateModelAsync();

        var created = await Server.PostAsync($"{Versions}/create", new { name, source = $"runs:/{runId}/model", run_id = runId });
        var download = await Server.GetAsync($"{Versions}/get-download-uri?name={name}&version=1");

        Str(created.Json.GetProperty("model_version"), "source").Should().Be($"runs:/{runId}/model");
        download.Status.Should().Be(200);
        Str(download.Json, "artifact_uri").Should().Be($"mlflow-artifacts:/{experimentId}/{runId}/artifacts/model");
    }

    [Test]
    public async Task ARunsUriWithoutAPathIsTheRunsArtifactRoot()
    {
        var experimentId = await Server.CreateExperimentAsync();
        var runId = await Server.CreateRunAsync(experimentId);
        var name = await CreateModelAsync();

        await CreateVersionAsync(name, $"runs:/{runId}");

        var download = await Server.GetAsync($"{Versions}/get-download-uri?name={name}&version=1");
        Str(download.Json, "artifact_uri").Should().Be($"mlflow-artifacts:/{experimentId}/{runId}/artifacts");
    }

    [Test]
    public async Task ARunsUriOfAnUnknownRunIs404AndAMalformedOneIs400()
    {
        var name = await CreateModelAsync();

        var unknown = await Server.PostAsync($"{Versions}/create", new { name, source = "runs:/0123456789abcdef0123456789abcdef/model" });
        var malformed = await Server.PostAsync($"{Versions}/create", new { name, source = "runs://model" });

        unknown.Status.Should().Be(404);
        unknown.Message.Should().Be("Run with id=0123456789abcdef0123456789abcdef not found");
        malformed.Status.Should().Be(400);
    }

    [Test]
    public async Task AnArtifactProxyOrCloudUriIsStoredAsGiven()
    {
        var name = await CreateModelAsync();
        await CreateVersionAsync(name, "mlflow-artifacts:/3/abc/artifacts/model");
        await CreateVersionAsync(name, "s3://bucket/models/m1");

        Str((await Server.GetAsync($"{Versions}/get-download-uri?name={name}&version=1")).Json, "artifact_uri")
            .Should().Be("mlflow-artifacts:/3/abc/artifacts/model");
        Str((await Server.GetAsync($"{Versions}/get-download-uri?name={name}&version=2")).Json, "artifact_uri")
            .Should().Be("s3://bucket/models/m1");
    }

    [Test]
    public async Task AModelsUriIsResolvedToTheReferencedVersionsLocation()
    {
        var source = await CreateModelAsync();
        await CreateVersionAsync(source, "mlflow-artifacts:/1/first/artifacts/model");
        await CreateVersionAsync(source, "mlflow-artifacts:/1/second/artifacts/model");
        (await Server.PostAsync($"{Models}/alias", new { name = source, alias = "best", version = "1" })).EnsureOk();
        var copy = await CreateModelAsync();

        await CreateVersionAsync(copy, $"models:/{source}/2");
        await CreateVersionAsync(copy, $"models:/{source}@best");
        await CreateVersionAsync(copy, $"models:/{source}/latest");
        var missing = await Server.PostAsync($"{Versions}/create", new { name = copy, source = $"models:/{source}/9" });

        async Task<string> Download(string version) =>
            Str((await Server.GetAsync($"{Versions}/get-download-uri?name={copy}&version={version}")).Json, "artifact_uri");
        (await Download("1")).Should().Be("mlflow-artifacts:/1/second/artifacts/model");
        (await Download("2")).Should().Be("mlflow-artifacts:/1/first/artifacts/model");
        (await Download("3")).Should().Be("mlflow-artifacts:/1/second/artifacts/model");
        Str(await GetVersionAsync(copy, "1"), "source").Should().Be($"models:/{source}/2");
        missing.Status.Should().Be(400);
        missing.Message.Should().StartWith($"Unable to fetch model from model URI source artifact location 'models:/{source}/9'.");
    }

    [TestCase("mlflow-artifacts:/1/abc/artifacts/../../../../etc")]
    [TestCase("mlflow-artifacts:/1/abc/artifacts/%2e%2e/%2e%2e/secret")]
    [TestCase("mlflow-artifacts:/1/abc/artifacts/%252e%252e/secret")]
    [TestCase("mlflow-artifacts:/1/abc/artifacts/model%00")]
    [TestCase("http://host/api/2.0/mlflow-artifacts/artifacts/../../x")]
    [TestCase("runs:/0123456789abcdef0123456789abcdef/../other")]
    [TestCase("s3://bucket/./model")]
    [TestCase("s3://bucket")]
    public async Task ASourceWhosePathChangesUnderNormalisationIsRefused(string source)
    {
        var name = await CreateModelAsync();

        var response = await Server.PostAsync($"{Versions}/create", new { name, source });

        response.Status.Should().Be(400);
        response.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
        response.Message.Should().StartWith("Invalid model version source: '").And.EndWith("Please provide an absolute path.");
        (await Server.GetAsync($"{Versions}/get?name={name}&version=1")).Status.Should().Be(404);
    }

    [Test]
    public async Task ALocalPathNeedsARunWhoseLocalArtifactDirectoryHoldsIt()
    {
        var name = await CreateModelAsync();
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());

        var withoutRun = await Server.PostAsync($"{Versions}/create", new { name, source = "/tmp/model" });
        var proxiedRun = await Server.PostAsync($"{Versions}/create", new { name, source = "/tmp/model", run_id = runId });
        var fileUri = await Server.PostAsync($"{Versions}/create", new { name, source = "file:///tmp/model", run_id = runId });

        foreach (var response in new[] { withoutRun, proxiedRun, fileUri })
        {
            response.Status.Should().Be(400);
            response.Message.Should().Contain("To use a local path as a model version source, the run_id request parameter has to be specified");
        }
    }

    [Test]
    public async Task ALocalPathInsideTheRunsLocalArtifactDirectoryIsAccepted()
    {
        await using var server = await RunningServer.StartAsync(options => options with
        {
            ServeArtifacts = false,
            DefaultArtifactRoot = Path.Combine(Path.GetDirectoryName(options.ArtifactsDestination)!, "local-artifacts"),
        });
        var runResponse = await server.PostAsync(
            "/api/2.0/mlflow/runs/create", new { experiment_id = "0", start_time = 1 });
        var info = runResponse.Json.GetProperty("run").GetProperty("info");
        var runId = Str(info, "run_id");
        var artifactUri = Str(info, "artifact_uri");
        Path.IsPathRooted(artifactUri).Should().BeTrue(artifactUri);
        var name = NewName();
        (await server.PostAsync($"{Models}/create", new { name })).EnsureOk();

        var inside = await server.PostAsync($"{Versions}/create", new { name, source = $"{artifactUri}/model", run_id = runId });
        var asFileUri = await server.PostAsync($"{Versions}/create", new { name, source = $"file://{artifactUri}/model", run_id = runId });
        var outside = await server.PostAsync($"{Versions}/create", new { name, source = Path.GetDirectoryName(artifactUri), run_id = runId });
        var escaping = await server.PostAsync($"{Versions}/create", new { name, source = $"{artifactUri}/../../x", run_id = runId });
        var relative = await server.PostAsync($"{Versions}/create", new { name, source = "model", run_id = runId });

        inside.Status.Should().Be(200, inside.Body);
        var download = await server.GetAsync($"{Versions}/get-download-uri?name={name}&version=1");
        Str(download.Json, "artifact_uri").Should().Be($"{artifactUri}/model");
        asFileUri.Status.Should().Be(200, asFileUri.Body);
        outside.Status.Should().Be(400);
        escaping.Status.Should().Be(400);
        relative.Status.Should().Be(400);
    }
}
