using System.Buffers;
using System.Text.Json;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Api;

/// <summary>Turns an HTTP request into an <see cref="MlflowRequest"/> (body for writes, query string for GET).</summary>
internal static class RequestReader
{
    /// <summary>The largest JSON body accepted; log-inputs with a dataset profile is the biggest legitimate one.</summary>
    public const int MaxJsonBodyBytes = 32 * 1024 * 1024;

    private static readonly object CacheKey = new();

    /// <summary>The request's parameters, read once: authorization reads them before the handler does.</summary>
    public static async Task<MlflowRequest> ReadAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(CacheKey, out var cached) && cached is MlflowRequest read)
        {
            return read;
        }

        var parsed = await ReadUncachedAsync(context);
        context.Items[CacheKey] = parsed;
        return parsed;
    }

    private static async Task<MlflowRequest> ReadUncachedAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            var query = FromQuery(request.Query);
            return new MlflowRequest(query.RootElement, query);
        }

        if (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method))
        {
            ValidateContentType(request.ContentType);
        }

        var body = await ReadBodyAsync(context);
        try
        {
            return Parse(body);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    // mlflow/server/validation.py _validate_content_type
    private static void ValidateContentType(string? contentType)
    {
        if (contentType is null)
        {
            throw MlflowException.InvalidParameter("Bad Request. Content-Type header is missing.");
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        if (!mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw MlflowException.InvalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
        }
    }

    /// <summary>
    /// The body in an array rented from the shared pool: a log-batch body is about 85 KB, so a fresh buffer (and
    /// the parsed document's row table) per request would each be a large-object-heap allocation, and the gen-2
    /// collections they bring cost more than the parse. Both go back to the pool when the request is disposed.
    /// </summary>
    private static async Task<RequestBody> ReadBodyAsync(HttpContext context)
    {
        // The limit is counted here rather than set on Kestrel, so that the client still reads the 413 answer
        // instead of a connection cut while it sends.
        var declared = context.Request.ContentLength;
        if (declared > MaxJsonBodyBytes)
        {
            throw TooLarge();
        }

        // The declared length sizes the buffer (up to 1 MiB, as it is only a claim until the bytes arrive).
        var body = new RequestBody(declared is > 0 ? (int)Math.Min(declared.Value + 1, 1024 * 1024) : 16 * 1024);
        try
        {
            var stream = context.Request.Body;
            int read;
            do
            {
                read = await stream.ReadAsync(body.FreeMemory(), context.RequestAborted);
                body.Advance(read);
                if (body.Length > MaxJsonBodyBytes)
                {
                    throw TooLarge();
                }
            }
            while (read > 0);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body.Dispose();
            throw TooLarge();
        }
        catch
        {
            body.Dispose();
            throw;
        }

        return body;
    }

    private static MlflowRequest Parse(RequestBody body)
    {
        var utf8 = body.Written;
        // JSON must be UTF-8 (RFC 8259); Flask answers 400 for anything else, even in fields nobody reads.
        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            throw MlflowException.InvalidParameter("Malformed request: the body is not valid UTF-8.");
        }

        if (utf8.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            body.Dispose();
            return new MlflowRequest(EmptyObject);
        }

        try
        {
            var document = body.Parse();
            var root = document.RootElement;
            // Older clients post their JSON double-encoded as a string (handlers._get_request_message).
            if (root.ValueKind == JsonValueKind.String)
            {
                root = body.Parse(root.GetString()!).RootElement;
            }

            return root.ValueKind switch
            {
                // Only a body that holds a \uD800-\uDFFF escape at all needs the full check.
                JsonValueKind.Object when HasSurrogateEscape(utf8.Span) => new MlflowRequest(RejectLoneSurrogates(root), body),
                JsonValueKind.Object => new MlflowRequest(root, body),
                JsonValueKind.Null => new MlflowRequest(EmptyObject, body),
                _ => throw MlflowException.InvalidParameter("Malformed request: the JSON body must be an object."),
            };
        }
        catch (JsonException e)
        {
            throw MlflowException.InvalidParameter($"Malformed JSON in request body: {e.Message}");
        }
    }

    /// <summary>
    /// A \ud800 escape without its pair is valid JSON but no text: reading it would throw deep in a handler,
    /// so every name and string is checked once here.
    /// </summary>
    private static bool HasSurrogateEscape(ReadOnlySpan<byte> utf8) =>
        utf8.IndexOf("\\ud"u8) >= 0 || utf8.IndexOf("\\uD"u8) >= 0;

    private static JsonElement RejectLoneSurrogates(JsonElement root)
    {
        var pending = new Stack<JsonElement>();
        pending.Push(root);
        try
        {
            while (pending.TryPop(out var element))
            {
                switch (element.ValueKind)
                {
                    case JsonValueKind.Object:
                        foreach (var property in element.EnumerateObject())
                        {
                            _ = property.Name;
                            pending.Push(property.Value);
                        }

                        break;
                    case JsonValueKind.Array:
                        foreach (var item in element.EnumerateArray())
                        {
                            pending.Push(item);
                        }

                        break;
                    case JsonValueKind.String when element.ValueEquals(""u8) is false:
                        _ = element.GetString();
                        break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            throw MlflowException.InvalidParameter("Malformed request: a JSON string holds an unpaired UTF-16 surrogate escape.");
        }

        return root;
    }

    /// <summary>Query string as JSON: repeated keys (and key[] / key[0] forms) become arrays of strings.</summary>
    private static JsonDocument FromQuery(IQueryCollection query)
    {
        var fields = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (rawKey, values) in query)
        {
            var key = rawKey;
            var bracket = key.IndexOf('[', StringComparison.Ordinal);
            if (bracket > 0 && key.EndsWith(']'))
            {
                key = key[..bracket];
            }

            if (!fields.TryGetValue(key, out var list))
            {
                fields[key] = list = [];
            }

            foreach (var value in values)
            {
                list.Add(value ?? "");
            }
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, values) in fields)
            {
                if (values.Count == 1)
                {
                    writer.WriteString(key, values[0]);
                    continue;
                }

                writer.WriteStartArray(key);
                values.ForEach(writer.WriteStringValue);
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory);
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    /// <summary>A request body in a pooled array, and the documents parsed from it; disposing returns both.</summary>
    private sealed class RequestBody(int capacity) : IDisposable
    {
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(capacity);
        private JsonDocument? _document;
        private JsonDocument? _inner;

        public int Length { get; private set; }

        public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, Length);

        /// <summary>The free end of the buffer, doubled first when full (a body of a declared length fits exactly).</summary>
        public Memory<byte> FreeMemory()
        {
            ObjectDisposedException.ThrowIf(_buffer is null, this);
            if (_buffer.Length == Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(0, Length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            return _buffer.AsMemory(Length);
        }

        public void Advance(int count) => Length += count;

        public JsonDocument Parse() => _document = JsonDocument.Parse(Written);

        public JsonDocument Parse(string json) => _inner = JsonDocument.Parse(json);

        public void Dispose()
        {
            _inner?.Dispose();
            _document?.Dispose();
            _inner = _document = null;
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }
        }
    }

    private static MlflowException TooLarge() =>
        new(ErrorCode.BAD_REQUEST, $"Request body is larger than the limit of {MaxJsonBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
}
