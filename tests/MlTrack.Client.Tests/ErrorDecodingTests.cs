using System.Net;
using System.Text.Json;
using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

/// <summary>How error answers become <see cref="MlflowApiException"/> (stub handler, as the answers are not MlTrack's).</summary>
public sealed class ErrorDecodingTests
{
    [Test]
    public async Task ReadsMlflowsErrorBody()
    {
        const string Body = """{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run with id=abc not found"}""";

        var error = await FailAsync(StubHandler.Json(HttpStatusCode.NotFound, Body));

        error.StatusCode.Should().Be(HttpStatusCode.NotFound);
        error.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
        error.ServerMessage.Should().Be("Run with id=abc not found");
        error.ResponseBody.Should().Be(Body);
        error.Message.Should().Be("RESOURCE_DOES_NOT_EXIST (404): Run with id=abc not found");
    }

    [TestCase(HttpStatusCode.BadRequest, "BAD_REQUEST")]
    [TestCase(HttpStatusCode.Unauthorized, "UNAUTHENTICATED")]
    [TestCase(HttpStatusCode.Forbidden, "PERMISSION_DENIED")]
    [TestCase(HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND")]
    [TestCase(HttpStatusCode.InternalServerError, "INTERNAL_ERROR")]
    [TestCase(HttpStatusCode.NotImplemented, "NOT_IMPLEMENTED")]
    public async Task DerivesTheCodeFromTheStatusWhenTheBodyHasNone(HttpStatusCode status, string code)
    {
        var error = await FailAsync(StubHandler.Text(status, "<html><body>Not here</body></html>"));

        error.ErrorCode.Should().Be(code);
        error.ServerMessage.Should().Be("<html><body>Not here</body></html>");
    }

    [Test]
    public async Task AnEmptyErrorBodyIsDescribedByItsStatus()
    {
        var error = await FailAsync(_ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));

        error.ErrorCode.Should().Be("TEMPORARILY_UNAVAILABLE");
        error.ServerMessage.Should().Be("HTTP 503 Service Unavailable");
        error.ResponseBody.Should().BeEmpty();
    }

    [Test]
    public async Task AJsonBodyWithoutACodeKeepsItsMessage()
    {
        var error = await FailAsync(StubHandler.Json(HttpStatusCode.BadRequest, """{"message": "bad"}"""));

        error.ErrorCode.Should().Be("BAD_REQUEST");
        error.ServerMessage.Should().Be("bad");
    }

    [Test]
    public async Task ASuccessThatIsNotJsonIsAnErrorToo()
    {
        var error = await FailAsync(StubHandler.Text(HttpStatusCode.OK, "<html>proxy login</html>"));

        error.StatusCode.Should().Be(HttpStatusCode.OK);
        error.ErrorCode.Should().Be("INTERNAL_ERROR");
        error.InnerException.Should().BeOfType<JsonException>();
        error.ResponseBody.Should().Be("<html>proxy login</html>");
    }

    [Test]
    public async Task ALongNonJsonBodyIsCutInTheMessageButKeptWhole()
    {
        var body = new string('x', 5000);

        var error = await FailAsync(StubHandler.Text(HttpStatusCode.BadGateway, body));

        error.ServerMessage.Should().HaveLength(1003);
        error.ResponseBody.Should().HaveLength(5000);
    }

    private static async Task<MlflowApiException> FailAsync(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        using var http = new HttpClient(new StubHandler(answer));
        using var client = new MlflowClient(
            new MlflowClientOptions { TrackingUri = new Uri("http://stub.invalid"), Retry = { MaxRetries = 0 } }, http);
        return (await FluentActions.Awaiting(() => client.Experiments.GetAsync("1")).Should().ThrowAsync<MlflowApiException>()).Which;
    }
}
