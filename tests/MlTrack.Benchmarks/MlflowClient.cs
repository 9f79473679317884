using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MlTrack.Benchmarks;

/// <summary>A metric point as log-batch sends it.</summary>
internal readonly record struct MetricPoint(string Key, double Value, long Timestamp, long Step);

/// <summary>
/// The few MLflow REST calls the benchmark makes, over one pooled HttpClient. Bodies are written with
/// Utf8JsonWriter straight to bytes so the client spends as little of the shared CPU as it can.
/// </summary>
internal sealed class MlflowClient : IDisposable
{
    public const string Api = "/api/2.0/mlflow/";
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private readonly HttpClient _http;

    public MlflowClient(Uri baseAddress)
        : this([baseAddress])
    {
    }

    /// <summary>A client of several replicas: each request goes to the next of them in turn, as a round-robin load balancer sends it.</summary>
    public MlflowClient(IReadOnlyList<Uri> replicas)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        HttpMessageHandler chain = replicas.Count > 1 ? new RoundRobin(replicas) { InnerHandler = handler } : handler;
        _http = new HttpClient(chain) { BaseAddress = replicas[0], Timeout = TimeSpan.FromMinutes(10) };
    }

    private sealed class RoundRobin(IReadOnlyList<Uri> replicas) : DelegatingHandler
    {
        private int _next = -1;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = replicas[(int)((uint)Interlocked.Increment(ref _next) % (uint)replicas.Count)];
            request.RequestUri = new UriBuilder(request.RequestUri!) { Host = target.Host, Port = target.Port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }

    public HttpClient Http => _http;

    /// <summary>POSTs a JSON body and returns the response body; a non-2xx answer throws with the server's message.</summary>
    public async Task<byte[]> PostAsync(string method, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = JsonType;
        using var response = await _http.PostAsync(new Uri(Api + method, UriKind.Relative), content, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? bytes
            : throw new HttpRequestException($"POST {method} -> {(int)response.StatusCode}: {Truncate(Encoding.UTF8.GetString(bytes))}");
    }

    public async Task<byte[]> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(pathAndQuery, UriKind.Relative), cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? bytes
            : throw new HttpRequestException(
                $"GET {pathAndQuery} -> {(int)response.StatusCode}: {Truncate(Encoding.UTF8.GetString(bytes))}");
    }

    public async Task<string> CreateExperimentAsync(string name, CancellationToken cancellationToken)
    {
        var body = Json(w => w.WriteString("name", name));
        using var answer = JsonDocument.Parse(await PostAsync("experiments/create", body, cancellationToken));
        return answer.RootElement.GetProperty("experiment_id").GetString()!;
    }

    public async Task<string> CreateRunAsync(string experimentId, string runName, long startTime, CancellationToken cancellationToken)
    {
        var body = Json(w =>
        {
            w.WriteString("experiment_id", experimentId);
            w.WriteString("run_name", runName);
            w.WriteString("user_id", "bench");
            w.WriteNumber("start_time", startTime);
        });
        using var answer = JsonDocument.Parse(await PostAsync("runs/create", body, cancellationToken));
        return answer.RootElement.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
    }

    public Task LogBatchAsync(
        string runId, IReadOnlyList<MetricPoint> metrics, IReadOnlyList<KeyValuePair<string, string>> parameters,
        IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken) =>
        PostAsync("runs/log-batch", LogBatchBody(runId, metrics, parameters, tags), cancellationToken);

    public static byte[] LogBatchBody(
        string runId, IReadOnlyList<MetricPoint> metrics, IReadOnlyList<KeyValuePair<string, string>> parameters,
        IReadOnlyList<KeyValuePair<string, string>> tags) => Json(w =>
    {
        w.WriteString("run_id", runId);
        w.WriteStartArray("metrics");
        foreach (var m in metrics)
        {
            w.WriteStartObject();
            w.WriteString("key", m.Key);
            w.WriteNumber("value", m.Value);
            w.WriteNumber("timestamp", m.Timestamp);
            w.WriteNumber("step", m.Step);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WritePairs(w, "params", parameters);
        WritePairs(w, "tags", tags);
    });

    /// <summary>A runs/search body for one experiment; null filter or page token are left out.</summary>
    public static byte[] SearchBody(string experimentId, int maxResults, string? filter, string[] orderBy, string? pageToken) => Json(w =>
    {
        w.WriteStartArray("experiment_ids");
        w.WriteStringValue(experimentId);
        w.WriteEndArray();
        w.WriteNumber("max_results", maxResults);
        if (filter is not null)
        {
            w.WriteString("filter", filter);
        }

        w.WriteStartArray("order_by");
        foreach (var term in orderBy)
        {
            w.WriteStringValue(term);
        }

        w.WriteEndArray();
        if (pageToken is not null)
        {
            w.WriteString("page_token", pageToken);
        }
    });

    /// <summary>MLflow's page token for an offset: base64 of the JSON {"offset": N}, spaced as Python's json.dumps.</summary>
    public static string PageToken(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset}}}"));

    /// <summary>An object body written by <paramref name="write"/> between its braces.</summary>
    public static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public void Dispose() => _http.Dispose();

    private static void WritePairs(Utf8JsonWriter w, string name, IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var (key, value) in pairs)
        {
            w.WriteStartObject();
            w.WriteString("key", key);
            w.WriteString("value", value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "...";
}
