using System.Net;
using System.Text;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Artifacts;

/// <summary>/api/2.0/mlflow-artifacts/artifacts: upload, list, download and delete round trips.</summary>
public sealed class ArtifactProxyTests : ServerTestBase
{
    private const string Artifacts = "/api/2.0/mlflow-artifacts/artifacts";

    private static string NewRoot() => $"1/{Guid.NewGuid():N}/artifacts";

    private async Task<HttpResponseMessage> PutAsync(string path, byte[] content, string contentType = "application/octet-stream")
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new(contentType);
        return await Server.Client.PutAsync($"{Artifacts}/{path}", body);
    }

    private static string Escape(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    [Test]
    public async Task UploadedFilesDownloadByteForByteWithLengthTypeAndAttachmentHeaders()
    {
        var root = NewRoot();
        var content = Encoding.UTF8.GetBytes("artifact_path: model\nflavors: {}\n");

        var put = await PutAsync($"{root}/model/MLmodel", content, "text/plain");
        using var get = await Server.Client.GetAsync($"{Artifacts}/{root}/model/MLmodel");

        put.StatusCode.Should().Be(HttpStatusCode.OK);
        (await put.Content.ReadAsStringAsync()).Should().Be("{}");
        (await get.Content.ReadAsByteArrayAsync()).Should().Equal(content);
        get.Content.Headers.ContentLength.Should().Be(content.Length);
        get.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        get.Content.Headers.ContentDisposition!.ToString().Should().Be("attachment; filename=MLmodel");
        get.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
    }

    [TestCase("metrics.json", "text/plain")]
    [TestCase("conda.yaml", "text/plain")]
    [TestCase("data.csv", "text/plain")]
    [TestCase("notes.txt", "text/plain")]
    [TestCase("plot.png", "image/png")]
    [TestCase("photo.jpg", "image/jpeg")]
    [TestCase("chart.svg", "image/svg+xml")]
    [TestCase("model.pkl", "application/octet-stream")]
    [TestCase("page.html", "text/html")]
    public async Task DownloadsCarryMlflowsContentTypes(string name, string expected)
    {
        var root = NewRoot();
        await PutAsync($"{root}/{name}", [1, 2, 3]);

        using var get = await Server.Client.GetAsync($"{Artifacts}/{root}/{name}");

        get.Content.Headers.ContentType!.MediaType.Should().Be(expected);
    }

    [Test]
    public async Task ListingShowsBasenamesOneLevelDeepWithSizesAsMlflow()
    {
        var root = NewRoot();
        await PutAsync($"{root}/model/MLmodel", new byte[10]);
        await PutAsync($"{root}/model/data/weights.bin", new byte[2048]);
        await PutAsync($"{root}/empty.txt", []);
        await PutAsync($"{root}/b.txt", new byte[3]);

        var top = await Server.GetAsync($"{Artifacts}?path={Uri.EscapeDataString(root)}");
        var model = await Server.GetAsync($"{Artifacts}?path={Uri.EscapeDataString(root + "/model")}");

        top.Json.GetProperty("files").GetRawText().Should().Be(
            """[{"path":"b.txt","is_dir":false,"file_size":3},{"path":"empty.txt","is_dir":false},{"path":"model","is_dir":true}]""");
        model.Json.GetProperty("files").GetRawText().Should().Be(
            """[{"path":"MLmodel","is_dir":false,"file_size":10},{"path":"data","is_dir":true}]""");
    }

    [Test]
    public async Task ListingAFileOrAMissingPathAnswersAnEmptyObject()
    {
        var root = NewRoot();
        await PutAsync($"{root}/file.txt", [1]);

        var file = await Server.GetAsync($"{Artifacts}?path={Uri.EscapeDataString(root + "/file.txt")}");
        var missing = await Server.GetAsync($"{Artifacts}?path={Uri.EscapeDataString(root + "/nope")}");

        file.Status.Should().Be(200);
        file.Body.Should().Be("{}", "the client tells a file from a directory by an empty listing");
        missing.Body.Should().Be("{}");
    }

    [Test]
    public async Task UnicodeNamesAndEmptyFilesRoundTrip()
    {
        var root = NewRoot();
        const string Name = "données/模型 ✓.txt";

        (await PutAsync($"{root}/{Escape(Name)}", [])).StatusCode.Should().Be(HttpStatusCode.OK);
        using var get = await Server.Client.GetAsync($"{Artifacts}/{root}/{Escape(Name)}");
        var listing = await Server.GetAsync($"{Artifacts}?path={Uri.EscapeDataString(root + "/données")}");

        get.StatusCode.Should().Be(HttpStatusCode.OK);
        (await get.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        get.Content.Headers.ContentLength.Should().Be(0);
        listing.Json.GetProperty("files")[0].GetProperty("path").GetString().Should().Be("模型 ✓.txt");
    }

    [Test]
    public async Task UploadOverwritesAnExistingFile()
    {
        var root = NewRoot();
        await PutAsync($"{root}/f.txt", Encoding.ASCII.GetBytes("first version"));

        await PutAsync($"{root}/f.txt", Encoding.ASCII.GetBytes("second"));

        (await Server.Client.GetStringAsync($"{Artifacts}/{root}/f.txt")).Should().Be("second");
    }

    [Test]
    public async Task DeleteRemovesAFileOrADirectoryTree()
    {
        var root = NewRoot();
        await PutAsync($"{root}/keep.txt", [1]);
        await PutAsync($"{root}/dir/a.txt", [1]);
        await PutAsync($"{root}/dir/sub/b.txt", [1]);

        var deleteDir = await Server.SendAsync(HttpMethod.Delete, $"{Artifacts}/{root}/dir", null);
        var deleteFile = await Server.SendAsync(HttpMethod.Delete, $"{Artifacts}/{root}/keep.txt", null);
        var deleteMissing = await Server.SendAsync(HttpMethod.Delete, $"{Artifacts}/{root}/keep.txt", null);

        deleteDir.Status.Should().Be(200);
        deleteFile.Status.Should().Be(200);
        deleteMissing.Status.Should().Be(404);
        (await Server.GetAsync($"{Artifacts}?path={Uri.EscapeDataString(root)}")).Body.Should().Be("{}");
    }

    [Test]
    public async Task DownloadOfAMissingFileIs404AndOfADirectoryToo()
    {
        var root = NewRoot();
        await PutAsync($"{root}/dir/a.txt", [1]);

        var missing = await Server.GetAsync($"{Artifacts}/{root}/nope.txt");
        var directory = await Server.GetAsync($"{Artifacts}/{root}/dir");

        missing.Status.Should().Be(404);
        missing.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
        directory.Status.Should().Be(404);
    }

    [Test]
    public async Task UploadingUnderAFileOrOverADirectoryIsRefused()
    {
        var root = NewRoot();
        await PutAsync($"{root}/file", [1]);
        await PutAsync($"{root}/dir/a.txt", [1]);

        var underFile = await PutAsync($"{root}/file/child.txt", [1]);
        var overDirectory = await PutAsync($"{root}/dir", [1]);

        underFile.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        overDirectory.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [TestCase("create")]
    [TestCase("complete")]
    [TestCase("abort")]
    public async Task MultipartUploadIsNotImplementedSoClientsFallBackToPut(string step)
    {
        var response = await Server.PostAsync($"/api/2.0/mlflow-artifacts/mpu/{step}/1/x/artifacts/big.bin", new { path = "1/x/artifacts/big.bin" });

        response.Status.Should().Be(501);
        response.ErrorCode.Should().Be("NOT_IMPLEMENTED");
    }

    [Test]
    public async Task AnInterruptedUploadLeavesThePreviousFileIntact()
    {
        var root = NewRoot();
        await PutAsync($"{root}/model.bin", Encoding.ASCII.GetBytes("complete"));

        // Promise 1 MiB, send 1 KiB, hang up.
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync(Server.BaseAddress.Host, Server.BaseAddress.Port);
            var stream = socket.GetStream();
            var head = $"PUT {Artifacts}/{root}/model.bin HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1048576\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(new byte[1024]);
            await stream.FlushAsync();
        }

        await Task.Delay(500);
        (await Server.Client.GetStringAsync($"{Artifacts}/{root}/model.bin")).Should().Be("complete");
        (await Server.GetAsync($"{Artifacts}?path={Uri.EscapeDataString(root)}")).Json.GetProperty("files").GetArrayLength()
            .Should().Be(1, "no temporary file shows in the listing");
    }

    [Test]
    public async Task TheAjaxPrefixServesTheProxyToo()
    {
        var root = NewRoot();
        await PutAsync($"{root}/a.txt", [65]);

        (await Server.Client.GetStringAsync($"/ajax-api/2.0/mlflow-artifacts/artifacts/{root}/a.txt")).Should().Be("A");
    }
}
