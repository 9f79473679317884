using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

/// <summary>Uploads and downloads stream: moving a large file allocates far less than the file's size.</summary>
[NonParallelizable] // Counts the allocations of the whole process (client and in-process server), so it runs alone.
public sealed class LargeArtifactTests : ServerTestBase
{
    private const int FileSize = 128 * 1024 * 1024;

    [Test]
    public async Task AFileIsStreamedBothWaysWithoutBeingBuffered()
    {
        var run = await NewRunAsync();
        var directory = TempDirectory();
        var source = Path.Combine(directory, "weights.bin");
        await WriteFileAsync(source);
        var destination = Path.Combine(directory, "back");

        var before = GC.GetTotalAllocatedBytes(precise: true);
        await Client.Artifacts.UploadFileAsync(run.Info.RunId, source, "model");
        var uploaded = GC.GetTotalAllocatedBytes(precise: true);
        var local = await Client.Artifacts.DownloadAsync(run.Info.RunId, "model/weights.bin", destination);
        var downloaded = GC.GetTotalAllocatedBytes(precise: true);

        new FileInfo(local).Length.Should().Be(FileSize);
        ArtifactsClientTests.Tree(destination).Single().Hash.Should().Be(ArtifactsClientTests.Tree(directory).Single(f => f.Path == "weights.bin").Hash);
        (uploaded - before).Should().BeLessThan(FileSize / 8, "the upload streams from the file");
        (downloaded - uploaded).Should().BeLessThan(FileSize / 8, "the download streams to the file");
    }

    private static async Task WriteFileAsync(string path)
    {
        var chunk = new byte[1024 * 1024];
        new Random(42).NextBytes(chunk);
        await using var file = File.Create(path);
        for (var written = 0; written < FileSize; written += chunk.Length)
        {
            chunk[0] = (byte)(written >> 20);
            await file.WriteAsync(chunk);
        }
    }
}
