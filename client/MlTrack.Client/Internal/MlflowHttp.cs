using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly;

namespace MlTrack.Client.Internal;

/// <summary>
/// The only place that touches <see cref="HttpClient"/>: it builds URIs under the tracking URI, adds the user agent
/// and credentials, retries idempotent calls through the Polly pipeline, and turns error answers into
/// <see cref="MlflowApiException"/>.
/// </summary>
internal sealed class MlflowHttp : IDisposable
{
    private const string ApiPrefix = "/api/2.0";

    private static readonly ProductInfoHeaderValue UserAgent = new(
        "MlTrack.Client",
        typeof(MlflowHttp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    private readonly Func<HttpClient> _clients;
    private readonly IDisposable? _owned;
    private readonly string _root;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;

    /// <param name="options">Validated options; they are read once here.</param>
    /// <param name="clients">Gives the HttpClient for each call (IHttpClientFactory.CreateClient, or one shared client).</param>
    /// <param name="owned">What to dispose with this object (the client it created itself), if anything.</param>
    public MlflowHttp(MlflowClientOptions options, Func<HttpClient> clients, IDisposable? owned)
    {
        Options = options;
        _clients = clients;
        _owned = owned;
        _root = options.TrackingUri!.AbsoluteUri.TrimEnd('/');
        _authorization = Authorization(options);
        _retry = RetryPipeline.Create(options.Retry, options.TimeProvider);
    }

    public MlflowClientOptions Options { get; }

    public long NowMilliseconds => Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The absolute URI of an API route (<c>/mlflow/runs/get</c> becomes <c>&lt;tracking URI&gt;/api/2.0/mlflow/runs/get</c>).</summary>
    public Uri Api(string pathAndQuery) => new(_root + ApiPrefix + pathAndQuery);

    /// <summary>GET with a query string; always retried.</summary>
    public async Task<TResponse> GetAsync<TResponse>(string path, Query query, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var uri = Api(path + query);
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, uri), idempotent: true, HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
        return await ReadAsync(response, responseType, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A call with a JSON body (POST, PATCH, DELETE) and a JSON answer.</summary>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(
        HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType,
        bool idempotent, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, requestType);
        var uri = Api(path);
        using var response = await SendAsync(
            () => new HttpRequestMessage(method, uri) { Content = JsonContent(bytes) }, idempotent, HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, responseType, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A call with a JSON body whose answer is <c>{}</c>.</summary>
    public Task SendAsync<TRequest>(
        HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestType, bool idempotent, CancellationToken cancellationToken) =>
        SendAsync(method, path, body, requestType, ClientJson.Default.EmptyResponse, idempotent, cancellationToken);

    /// <summary>
    /// Sends a request made by <paramref name="createRequest"/> (called again for each retry, so a streamed body is
    /// opened anew) and returns a successful answer, which the caller disposes.
    /// </summary>
    /// <exception cref="MlflowApiException">The server answered with an error status.</exception>
    public async Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> createRequest, bool idempotent, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var response = idempotent
            ? await _retry.ExecuteAsync(
                static (state, token) => state.Self.SendOnceAsync(state.Create, state.Completion, token),
                (Self: this, Create: createRequest, Completion: completion),
                cancellationToken).ConfigureAwait(false)
            : await SendOnceAsync(createRequest, completion, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorDecoder.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _owned?.Dispose();

    private async ValueTask<HttpResponseMessage> SendOnceAsync(
        Func<HttpRequestMessage> createRequest, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = createRequest();
        request.Headers.UserAgent.Add(UserAgent);
        request.Headers.Authorization = _authorization;
        return await _clients().SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // An empty body counts as {} (MLflow's empty answers are "{}").
            return (bytes.Length == 0 ? JsonSerializer.Deserialize("{}"u8, type) : JsonSerializer.Deserialize(bytes, type))
                ?? throw new JsonException("The answer is JSON null.");
        }
        catch (JsonException e)
        {
            throw ErrorDecoder.InvalidAnswer(response.StatusCode, Encoding.UTF8.GetString(bytes), e);
        }
    }

    private static ByteArrayContent JsonContent(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    // Basic auth when a user name and password are set, else a bearer token (mlflow/utils/rest_utils.py http_request).
    private static AuthenticationHeaderValue? Authorization(MlflowClientOptions options)
    {
        if (!string.IsNullOrEmpty(options.Username) && !string.IsNullOrEmpty(options.Password))
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}"));
            return new AuthenticationHeaderValue("Basic", credentials);
        }

        return string.IsNullOrEmpty(options.Token) ? null : new AuthenticationHeaderValue("Bearer", options.Token);
    }
}
