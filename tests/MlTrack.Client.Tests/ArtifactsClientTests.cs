using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

public sealed class ArtifactsClientTests : ServerTestBase
{
    [Test]
    public async Task UploadsAFileListsItAndReadsItBack()
    {
        var run = await NewRunAsync();
        var local = Path.Combine(TempDirectory(), "notes.txt");
        await File.WriteAllTextAsync(local, "hello artifacts");

        var path = await Client.Artifacts.UploadFileAsync(run.Info.RunId, local, "docs");
        var listing = await Client.Artifacts.ListAsync(run.Info.RunId, "docs");
        await using var stream = await Client.Artifacts.OpenReadAsync(run.Info.RunId, path);
        using var reader = new StreamReader(stream);

        path.Should().Be("docs/notes.txt");
        listing.RootUri.Should().Be(run.Info.ArtifactUri);
        listing.Files.Should().Equal(new ArtifactInfo("docs/notes.txt", false, 15));
        (await reader.ReadToEndAsync()).Should().Be("hello artifacts");
    }

    [Test]
    public async Task ListsTheRootOneLevelAtATime()
    {
        var run = await NewRunAsync();
        await UploadTextAsync(run, "model/MLmodel", "flavors: {}");
        await UploadTextAsync(run, "summary.json", "{}");

        var root = await Client.Artifacts.ListAsync(run.Info.RunId);

        root.Files.Should().BeEquivalentTo([new ArtifactInfo("model", true), new ArtifactInfo("summary.json", false, 2)]);
    }

    [Test]
    public async Task UploadsFromSeekableAndForwardOnlyStreamsWithoutDisposingThem()
    {
        var run = await NewRunAsync();
        using var seekable = new MemoryStream("abc"u8.ToArray());
        using var forwardOnly = new ForwardOnlyStream("xyz"u8.ToArray());

        await Client.Artifacts.UploadAsync(run.Info.RunId, "a/seekable.bin", seekable);
        await Client.Artifacts.UploadAsync(run.Info.RunId, "a/forward.bin", forwardOnly);

        seekable.CanRead.Should().BeTrue("the caller's stream stays open");
        (await ReadTextAsync(run, "a/seekable.bin")).Should().Be("abc");
        (await ReadTextAsync(run, "a/forward.bin")).Should().Be("xyz");
    }

    [Test]
    public async Task UploadsADirectoryTreeAndDownloadsItBackIdentically()
    {
        var run = await NewRunAsync();
        var source = TempDirectory();
        WriteTree(source);

        var uploaded = await Client.Artifacts.UploadDirectoryAsync(run.Info.RunId, source, "model");
        var destination = TempDirectory();
        var local = await Client.Artifacts.DownloadAsync(run.Info.RunId, "model", destination);

        uploaded.Should().Equal("model/MLmodel", "model/data/big.bin", "model/data/deep/leaf.txt", "model/empty.txt");
        local.Should().Be(Path.Combine(destination, "model"));
        Tree(local).Should().Equal(Tree(source));
        Directory.Exists(Path.Combine(local, "empty-dir")).Should().BeFalse("empty directories are not uploaded, as in MLflow");
    }

    [Test]
    public async Task DownloadsASingleFileAtItsRelativePath()
    {
        var run = await NewRunAsync();
        await UploadTextAsync(run, "model/MLmodel", "flavors: {}");
        var destination = TempDirectory();

        var local = await Client.Artifacts.DownloadAsync(run.Info.RunId, "model/MLmodel", destination);

        local.Should().Be(Path.Combine(destination, "model", "MLmodel"));
        (await File.ReadAllTextAsync(local)).Should().Be("flavors: {}");
    }

    [Test]
    public async Task DownloadsEveryArtifactOfARunWithAnEmptyPath()
    {
        var run = await NewRunAsync();
        await UploadTextAsync(run, "a.txt", "a");
        await UploadTextAsync(run, "b/c.txt", "c");
        var destination = TempDirectory();

        var local = await Client.Artifacts.DownloadAsync(run.Info.RunId, "", destination);

        local.Should().Be(destination);
        Tree(destination).Select(f => f.Path).Should().Equal("a.txt", "b/c.txt");
    }

    [Test]
    public async Task DownloadOfAMissingFileFailsAndLeavesNoFileBehind()
    {
        var run = await NewRunAsync();
        var destination = TempDirectory();

        var act = () => Client.Artifacts.DownloadAsync(run.Info.RunId, "missing.bin", destination);

        await act.Should().ThrowAsync<MlflowApiException>();
        File.Exists(Path.Combine(destination, "missing.bin")).Should().BeFalse();
    }

    [Test]
    public async Task ListFromUriTellsFilesFromDirectoriesByAnEmptyListing()
    {
        var run = await NewRunAsync();
        await UploadTextAsync(run, "model/MLmodel", "x");

        var directory = await Client.Artifacts.ListFromUriAsync($"runs:/{run.Info.RunId}/model");
        var file = await Client.Artifacts.ListFromUriAsync($"{run.Info.ArtifactUri}/model/MLmodel");

        directory.Should().Equal(new ArtifactInfo("MLmodel", false, 1));
        file.Should().BeEmpty();
    }

    [Test]
    public async Task DeletesAnArtifactDirectory()
    {
        var run = await NewRunAsync();
        await UploadTextAsync(run, "tmp/x.txt", "x");

        await Client.Artifacts.DeleteAsync(run.Info.RunId, "tmp");

        (await Client.Artifacts.ListAsync(run.Info.RunId)).Files.Should().BeEmpty();
    }

    [Test]
    public async Task RefusesPathsThatLeaveTheRunsArtifacts()
    {
        var run = await NewRunAsync();

        var act = () => Client.Artifacts.DownloadAsync(run.Info.RunId, "../other", TempDirectory());

        await act.Should().ThrowAsync<ArgumentException>();
    }

    internal static void WriteTree(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "data", "deep"));
        Directory.CreateDirectory(Path.Combine(root, "empty-dir"));
        File.WriteAllText(Path.Combine(root, "MLmodel"), "artifact_path: model\n");
        File.WriteAllBytes(Path.Combine(root, "data", "big.bin"), Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray());
        File.WriteAllText(Path.Combine(root, "data", "deep", "leaf.txt"), "leaf");
        File.WriteAllBytes(Path.Combine(root, "empty.txt"), []);
    }

    internal static List<(string Path, string Hash)> Tree(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(root, f).Replace('\\', '/'), Hash(f)))
            .OrderBy(f => f.Item1, StringComparer.Ordinal)];

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream));
    }

    private async Task UploadTextAsync(Run run, string path, string text)
    {
        using var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        await Client.Artifacts.UploadAsync(run.Info.RunId, path, content);
    }

    private async Task<string> ReadTextAsync(Run run, string path)
    {
        await using var stream = await Client.Artifacts.OpenReadAsync(run.Info.RunId, path);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
