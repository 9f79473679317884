using System.Buffers;
using System.Text.Json;
using MlTrack.Server.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace MlTrack.Server.Api;

/// <summary>Turns an HTTP request into an <see cref="MlflowRequest"/> (body for writes, query string for GET).</summary>
internal static class RequestReader
{
    /// <summary>The largest JSON body accepted; log-inputs with a dataset profile is the biggest legitimate one.</summary>
    public const int MaxJsonBodyBytes = 32 * 1024 * 1024;

    public static async Task<MlflowRequest> ReadAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return new MlflowRequest(FromQuery(request.Query));
        }

        if (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method))
        {
            ValidateContentType(request.ContentType);
        }

        return new MlflowRequest(await ReadBodyAsync(context));
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

    private static async Task<JsonElement> ReadBodyAsync(HttpContext context)
    {
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = MaxJsonBodyBytes;
        }

        if (context.Request.ContentLength > MaxJsonBodyBytes)
        {
            throw TooLarge();
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            var body = context.Request.Body;
            int read;
            do
            {
                read = await body.ReadAsync(buffer.GetMemory(16 * 1024), context.RequestAborted);
                buffer.Advance(read);
                if (buffer.WrittenCount > MaxJsonBodyBytes)
                {
                    throw TooLarge();
                }
            }
            while (read > 0);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }

        return Parse(buffer.WrittenMemory);
    }

    private static JsonElement Parse(ReadOnlyMemory<byte> utf8)
    {
        if (utf8.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return EmptyObject;
        }

        try
        {
            var root = JsonDocument.Parse(utf8).RootElement;
            // Older clients post their JSON double-encoded as a string (handlers._get_request_message).
            if (root.ValueKind == JsonValueKind.String)
            {
                root = JsonDocument.Parse(root.GetString()!).RootElement;
            }

            return root.ValueKind switch
            {
                JsonValueKind.Object => root,
                JsonValueKind.Null => EmptyObject,
                _ => throw MlflowException.InvalidParameter("Malformed request: the JSON body must be an object."),
            };
        }
        catch (JsonException e)
        {
            throw MlflowException.InvalidParameter($"Malformed JSON in request body: {e.Message}");
        }
    }

    /// <summary>Query string as JSON: repeated keys (and key[] / key[0] forms) become arrays of strings.</summary>
    private static JsonElement FromQuery(IQueryCollection query)
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

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement;
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    private static MlflowException TooLarge() =>
        new(ErrorCode.BAD_REQUEST, $"Request body is larger than the limit of {MaxJsonBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
}
