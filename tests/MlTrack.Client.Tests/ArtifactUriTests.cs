using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

/// <summary>runs:/ and models:/ URIs, resolved and downloaded as MLflow's client does.</summary>
public sealed class ArtifactUriTests : ServerTestBase
{
    private string _model = "";
    private Run _first = null!;
    private Run _second = null!;

    [SetUp]
    public async Task RegisterTwoVersionsAsync()
    {
        _model = Unique();
        await Client.RegisteredModels.CreateAsync(_model);
        _first = await NewRunAsync();
        _second = await NewRunAsync();
        foreach (var (run, text) in new[] { (_first, "one"), (_second, "two") })
        {
            using var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
            await Client.Artifacts.UploadAsync(run.Info.RunId, "model/MLmodel", content);
            await Client.ModelVersions.CreateAsync(_model, $"runs:/{run.Info.RunId}/model", new CreateModelVersionOptions { RunId = run.Info.RunId });
        }

        await Client.ModelVersions.TransitionStageAsync(_model, "1", ModelVersionStages.Production);
        await Client.RegisteredModels.SetAliasAsync(_model, "champion", "1");
    }

    [Test]
    public async Task ResolvesRunsAndModelsUris()
    {
        var first = $"{_first.Info.ArtifactUri}/model";
        var second = $"{_second.Info.ArtifactUri}/model";

        (await Client.Artifacts.ResolveUriAsync($"runs:/{_first.Info.RunId}/model")).Should().Be(first);
        (await Client.Artifacts.ResolveUriAsync($"runs:/{_first.Info.RunId}")).Should().Be(_first.Info.ArtifactUri);
        (await Client.Artifacts.ResolveUriAsync($"models:/{_model}/2")).Should().Be(second);
        (await Client.Artifacts.ResolveUriAsync($"models:/{_model}@champion")).Should().Be(first);
        (await Client.Artifacts.ResolveUriAsync($"models:/{_model}/Production")).Should().Be(first);
        (await Client.Artifacts.ResolveUriAsync($"models:/{_model}/latest")).Should().Be(second);
        (await Client.Artifacts.ResolveUriAsync($"models:/{_model}/1/MLmodel")).Should().Be($"{first}/MLmodel");
        (await Client.Artifacts.ResolveUriAsync("mlflow-artifacts:/1/x")).Should().Be("mlflow-artifacts:/1/x");
    }

    [TestCase("models:/{0}@champion", "one")]
    [TestCase("models:/{0}/latest", "two")]
    [TestCase("models:/{0}/2", "two")]
    public async Task DownloadsAModelDirectoryFromAModelsUri(string uriFormat, string expected)
    {
        var destination = TempDirectory();

        var uri = string.Format(System.Globalization.CultureInfo.InvariantCulture, uriFormat, _model);

        var local = await Client.Artifacts.DownloadFromUriAsync(uri, destination);

        local.Should().Be(Path.Combine(destination, "model"));
        (await File.ReadAllTextAsync(Path.Combine(local, "MLmodel"))).Should().Be(expected);
    }

    [Test]
    public async Task OpensAFileFromAModelsUri()
    {
        await using var stream = await Client.Artifacts.OpenReadFromUriAsync($"models:/{_model}@champion/MLmodel");
        using var reader = new StreamReader(stream);

        (await reader.ReadToEndAsync()).Should().Be("one");
    }

    [Test]
    public async Task AStageWithoutVersionsIsRESOURCE_DOES_NOT_EXIST()
    {
        var act = () => Client.Artifacts.ResolveUriAsync($"models:/{_model}/Staging");

        (await act.Should().ThrowAsync<MlflowApiException>()).Which.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
    }

    [Test]
    public async Task ALocationOutsideTheProxyIsNotSupported()
    {
        var act = () => Client.Artifacts.DownloadFromUriAsync("s3://bucket/model", TempDirectory());

        await act.Should().ThrowAsync<NotSupportedException>();
    }
}
