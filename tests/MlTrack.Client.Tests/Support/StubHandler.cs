using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace MlTrack.Client.Tests.Support;

/// <summary>
/// Answers from a script, for error decoding and retries only: each request takes the next step (an answer or an
/// exception); when the script runs out the last step repeats. Every request is recorded.
/// </summary>
internal sealed class StubHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, HttpResponseMessage>[] _steps;

    public StubHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] steps) => _steps = steps;

    public ConcurrentQueue<(HttpMethod Method, string PathAndQuery, string? Authorization)> Requests { get; } = new();

    public int Count => Requests.Count;

    public static Func<HttpRequestMessage, HttpResponseMessage> Json(HttpStatusCode status, string json) =>
        _ => new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static Func<HttpRequestMessage, HttpResponseMessage> Text(HttpStatusCode status, string text, string mediaType = "text/html") =>
        _ => new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, mediaType) };

    public static Func<HttpRequestMessage, HttpResponseMessage> Refused() =>
        _ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (stub)");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var index = Math.Min(Requests.Count, _steps.Length - 1);
        Requests.Enqueue((request.Method, request.RequestUri!.PathAndQuery, request.Headers.Authorization?.ToString()));
        return Task.FromResult(_steps[index](request));
    }
}
