using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace MlTrack.Server.Tests.ModelRegistry;

/// <summary>/model-versions/get-artifact: the UI's download of a version's files, through its storage location.</summary>
public sealed class ModelVersionArtifactTests : RegistryTestBase
{
    private const string MlModel = "artifact_path: model\nflavors:\n  python_function: {}\n";

    [Test]
    public async Task ServesAFileUploadedToTheRunThatTheVersionCameFrom()
    {
        var (name, _) = await VersionWithUploadedModelAsync();

        var uri = new Uri($"/model-versions/get-artifact?name={name}&version=1&path=MLmodel", UriKind.Relative);
        using var response = await Server.Client.GetAsync(uri);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be(MlModel);
        response.Content.Headers.ContentType?.MediaType.Should().Be("text/plain");
        response.Content.Headers.ContentDisposition?.ToString().Should().Be("attachment; filename=MLmodel");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
    }

    [Test]
    public async Task ServesFilesInSubdirectories()
    {
        var (name, artifactRoot) = await VersionWithUploadedModelAsync();
        await UploadAsync($"{artifactRoot}/model/data/weights.json", "{\"w\": [1, 2]}");

        var response = await Server.GetAsync($"/model-versions/get-artifact?name={name}&version=1&path=data/weights.json");

        response.Status.Should().Be(200);
        response.Body.Should().Be("{\"w\": [1, 2]}");
    }

    [TestCase("../secret.txt")]
    [TestCase("%2e%2e/secret.txt")]
    [TestCase("/etc/passwd")]
    public async Task RefusesPathsThatLeaveTheModel(string path)
    {
        var (name, artifactRoot) = await VersionWithUploadedModelAsync();
        await UploadAsync($"{artifactRoot}/secret.txt", "secret");

        var response = await Server.GetAsync($"/model-versions/get-artifact?name={name}&version=1&path={Uri.EscapeDataString(path)}");

        response.Status.Should().Be(400);
        response.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
    }

    [Test]
    public async Task MissingFilesVersionsAndParametersAreErrors()
    {
        var (name, _) = await VersionWithUploadedModelAsync();

        var missingFile = await Server.GetAsync($"/model-versions/get-artifact?name={name}&version=1&path=nope.txt");
        var unknownVersion = await Server.GetAsync($"/model-versions/get-artifact?name={name}&version=2&path=MLmodel");
        var noPath = await Server.GetAsync($"/model-versions/get-artifact?name={name}&version=1");
        var badVersion = await Server.GetAsync($"/model-versions/get-artifact?name={name}&version=x&path=MLmodel");

        missingFile.Status.Should().Be(404);
        unknownVersion.Status.Should().Be(404);
        noPath.Status.Should().Be(400);
        badVersion.Status.Should().Be(400);
    }

    /// <summary>A run with model/MLmodel uploaded through the artifact proxy, and version 1 of a new model from runs:/run/model.</summary>
    private async Task<(string Name, string ArtifactRoot)> VersionWithUploadedModelAsync()
    {
        var experimentId = await Server.CreateExperimentAsync();
        var runId = await Server.CreateRunAsync(experimentId);
        var artifactRoot = $"{experimentId}/{runId}/artifacts";
        await UploadAsync($"{artifactRoot}/model/MLmodel", MlModel);
        var name = await CreateModelAsync();
        (await CreateVersionAsync(name, $"runs:/{runId}/model", runId)).Should().Be("1");
        return (name, artifactRoot);
    }

    private async Task UploadAsync(string path, string content)
    {
        using var body = new StringContent(content, Encoding.UTF8);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Server.Client.PutAsync(new Uri($"/api/2.0/mlflow-artifacts/artifacts/{path}", UriKind.Relative), body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
