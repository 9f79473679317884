using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Api;

/// <summary>How requests are read and errors written, whatever the route.</summary>
public sealed class RequestHandlingTests : ServerTestBase
{
    private const string Create = "/api/2.0/mlflow/experiments/create";

    [Test]
    public async Task PostWithoutContentTypeIsRefused()
    {
        using var content = new ByteArrayContent("""{"name": "x"}"""u8.ToArray());
        using var response = await Server.Client.PostAsync(Create, content);
        var answer = await ApiResponse.ReadAsync(response);

        answer.Status.Should().Be(400);
        answer.Message.Should().Be("Bad Request. Content-Type header is missing.");
    }

    [Test]
    public async Task PostAsAFormIsRefused()
    {
        var response = await Server.SendAsync(HttpMethod.Post, Create, "name=x", "application/x-www-form-urlencoded");

        response.Status.Should().Be(400);
        response.Message.Should().Be("Bad Request. Content-Type must be one of ['application/json'].");
    }

    [Test]
    public async Task JsonWithACharsetIsAccepted()
    {
        var response = await Server.SendAsync(
            HttpMethod.Post, Create, $$"""{"name": "charset-{{Guid.NewGuid():N}}"}""", "application/json; charset=utf-8");

        response.Status.Should().Be(200);
    }

    [Test]
    public async Task DoubleEncodedJsonIsDecodedTwice()
    {
        var inner = System.Text.Json.JsonSerializer.Serialize(new { name = $"double-{Guid.NewGuid():N}" });

        var response = await Server.PostAsync(Create, System.Text.Json.JsonSerializer.Serialize(inner));

        response.Status.Should().Be(200);
        response.Json.GetProperty("experiment_id").GetString().Should().NotBeNullOrEmpty();
    }

    [TestCase("{\"name\": ")]
    [TestCase("[1, 2]")]
    [TestCase("{\"name\": \"x\"} trailing")]
    public async Task MalformedJsonIsA400WithMlflowsErrorShape(string body)
    {
        var response = await Server.PostAsync(Create, body);

        response.Status.Should().Be(400);
        response.ContentType.Should().Be("application/json");
        response.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
    }

    [Test]
    public async Task UnknownPathsAreEndpointNotFoundJson()
    {
        var response = await Server.GetAsync("/api/2.0/mlflow/no-such-route");

        response.Status.Should().Be(404);
        response.ContentType.Should().Be("application/json");
        response.ErrorCode.Should().Be("ENDPOINT_NOT_FOUND");
    }

    [Test]
    public async Task WrongMethodsAre405WithMlflowsErrorShape()
    {
        var response = await Server.GetAsync(Create);

        response.Status.Should().Be(405);
        response.ContentType.Should().Be("application/json");
        response.ErrorCode.Should().Be("BAD_REQUEST");
    }

    [Test]
    public async Task ABodyDeclaredOverTheJsonLimitIsAnswered413BeforeItIsSent()
    {
        // A raw socket: the server must answer from the headers alone, without waiting for 40 MiB.
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(Server.BaseAddress.Host, Server.BaseAddress.Port);
        var stream = socket.GetStream();
        var head = $"POST {Create} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {40 * 1024 * 1024}\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));

        // Read what the server answers; it may reset the connection afterwards, as the promised body never comes.
        var answer = "";
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!answer.Contains("larger than the limit", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            answer += System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        }

        answer.Should().StartWith("HTTP/1.1 413");
        answer.Should().Contain("application/json").And.Contain("\"error_code\":\"BAD_REQUEST\"").And.Contain("larger than the limit");
    }

    [Test]
    public async Task AChunkedBodyOverTheJsonLimitIsRefused()
    {
        var chunk = new string(' ', 1024 * 1024);
        using var content = new PushStreamContentOfSize(33, chunk);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await Server.Client.PostAsync(Create, content);
            var answer = await ApiResponse.ReadAsync(response);
            answer.Status.Should().Be(413);
            answer.ErrorCode.Should().Be("BAD_REQUEST");
        }
        catch (HttpRequestException)
        {
            // The server may close the connection after answering, before the client finished sending; what
            // matters is that it did not accept the body, which the next request shows by still being served.
        }

        (await Server.GetAsync("/health")).Body.Should().Be("OK");
    }

    /// <summary>A chunked JSON body of whitespace, megabyte by megabyte.</summary>
    private sealed class PushStreamContentOfSize(int megabytes, string chunk) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(chunk);
            for (var i = 0; i < megabytes; i++)
            {
                await stream.WriteAsync(bytes);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Test]
    public async Task HealthAndVersionAnswerPlainText()
    {
        var health = await Server.GetAsync("/health");
        var version = await Server.GetAsync("/version");

        health.Body.Should().Be("OK");
        version.Body.Should().Be("2.12.2");
    }
}
