using MlTrack.Cli.Tests.Support;

namespace MlTrack.Cli.Tests;

public sealed class ArtifactsCommandTests : CliTestBase
{
    [Test]
    public async Task List_shows_files_with_sizes_and_directories()
    {
        var run = await NewRunAsync();
        await UploadAsync(run.Info.RunId, "notes.txt", "hello");
        await UploadAsync(run.Info.RunId, "model/MLmodel", "flavors: {}\n");

        var root = await MltrackAsync("artifacts", "list", "--run-id", run.Info.RunId);
        var model = await MltrackAsync("artifacts", "list", "--run-id", run.Info.RunId, "--artifact-path", "model");

        root.ExitCode.Should().Be(0, root.ToString());
        root.Out.Split('\n').Should().Contain(l => l.Contains("notes.txt") && l.TrimEnd().EndsWith('5'));
        root.Out.Should().Contain("model/");
        model.Out.Split('\n').Should().Contain(l => l.Contains("model/MLmodel") && l.TrimEnd().EndsWith("12", StringComparison.Ordinal));
    }

    [Test]
    public async Task Download_writes_the_directory_and_prints_its_path()
    {
        var run = await NewRunAsync();
        await UploadAsync(run.Info.RunId, "model/MLmodel", "flavors: {}\n");
        await UploadAsync(run.Info.RunId, "model/code/loader.py", "print(1)\n");
        var destination = TempDirectory();

        var result = await MltrackAsync("artifacts", "download", "--run-id", run.Info.RunId, "--artifact-path", "model", "--dst-path", destination);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Trim().Should().Be(Path.Combine(destination, "model"));
        (await File.ReadAllTextAsync(Path.Combine(destination, "model", "MLmodel"))).Should().Be("flavors: {}\n");
        (await File.ReadAllTextAsync(Path.Combine(destination, "model", "code", "loader.py"))).Should().Be("print(1)\n");
    }

    [Test]
    public async Task Download_by_uri_resolves_runs_uris()
    {
        var run = await NewRunAsync();
        await UploadAsync(run.Info.RunId, "model/model.json", "{}");
        var destination = TempDirectory();

        var result = await MltrackAsync("artifacts", "download", "--artifact-uri", $"runs:/{run.Info.RunId}/model", "-d", destination);

        result.ExitCode.Should().Be(0, result.ToString());
        File.Exists(Path.Combine(result.Out.Trim(), "model.json")).Should().BeTrue();
    }

    [Test]
    public async Task Download_needs_a_run_or_a_uri_but_not_both()
    {
        var neither = await MltrackAsync("artifacts", "download");
        var both = await MltrackAsync("artifacts", "download", "--run-id", "abc", "--artifact-uri", "runs:/abc/model");

        ShouldFailWithOneLine(neither, "--run-id");
        ShouldFailWithOneLine(both, "--artifact-uri");
    }

    [Test]
    public async Task Path_traversal_is_refused_before_anything_is_written()
    {
        var run = await NewRunAsync();
        var destination = TempDirectory();

        var result = await MltrackAsync("artifacts", "download", "--run-id", run.Info.RunId, "--artifact-path", "../../etc", "-d", destination);

        result.ExitCode.Should().Be(1, result.ToString());
        Directory.EnumerateFileSystemEntries(destination).Should().BeEmpty();
    }

    private async Task UploadAsync(string runId, string path, string content)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
        await Client.Artifacts.UploadAsync(runId, path, stream);
    }
}
