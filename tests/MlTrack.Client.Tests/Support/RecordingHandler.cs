using System.Collections.Concurrent;

namespace MlTrack.Client.Tests.Support;

/// <summary>
/// Passes every request on to the real server and records what was sent (not a mock: the server answers), so a
/// test can count log-batch requests and read their bodies.
/// </summary>
internal sealed class RecordingHandler : DelegatingHandler
{
    /// <param name="ownInnerHandler">False when IHttpClientFactory supplies the inner handler.</param>
    public RecordingHandler(bool ownInnerHandler = true)
    {
        if (ownInnerHandler)
        {
            InnerHandler = new SocketsHttpHandler();
        }
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public IEnumerable<RecordedRequest> To(string pathEnd) => Requests.Where(r => r.Path.EndsWith(pathEnd, StringComparison.Ordinal));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null || request.Content.Headers.ContentType?.MediaType != "application/json"
            ? null
            : await request.Content.ReadAsStringAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        var uri = request.RequestUri!;
        Requests.Enqueue(new RecordedRequest(
            request.Method, uri.AbsolutePath, uri.Query, body, request.Headers.Authorization?.ToString(), (int)response.StatusCode));
        return response;
    }
}

internal sealed record RecordedRequest(HttpMethod Method, string Path, string Query, string? Body, string? Authorization, int Status);
