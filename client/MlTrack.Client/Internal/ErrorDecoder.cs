using System.Net;
using System.Text.Json;

namespace MlTrack.Client.Internal;

/// <summary>Turns an error answer into <see cref="MlflowApiException"/>, as MLflow's client reads one (utils/rest_utils.py).</summary>
internal static class ErrorDecoder
{
    private const int MaxMessageLength = 1000;

    public static async Task<MlflowApiException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            body = "";
        }

        return FromBody(response.StatusCode, response.ReasonPhrase, body);
    }

    public static MlflowApiException FromBody(HttpStatusCode status, string? reason, string body)
    {
        var (code, message) = TryReadMlflowError(body);
        if (message is null)
        {
            var text = body.Trim();
            message = text.Length == 0 ? $"HTTP {(int)status} {reason}".TrimEnd()
                : text.Length > MaxMessageLength ? text[..MaxMessageLength] + "..."
                : text;
        }

        return new MlflowApiException(status, code ?? CodeForStatus(status), message, body);
    }

    /// <summary>A 2xx answer whose body is not the JSON the call expects.</summary>
    public static MlflowApiException InvalidAnswer(HttpStatusCode status, string body, Exception cause) =>
        new(status, "INTERNAL_ERROR", $"The server's answer could not be read as MLflow JSON: {cause.Message}", body, cause);

    // The code MLflow's client derives from a status when the body has none (protos/databricks.proto's HTTP mapping).
    private static string CodeForStatus(HttpStatusCode status) => (int)status switch
    {
        400 => "BAD_REQUEST",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "ENDPOINT_NOT_FOUND",
        409 => "RESOURCE_CONFLICT",
        429 => "REQUEST_LIMIT_EXCEEDED",
        501 => "NOT_IMPLEMENTED",
        503 => "TEMPORARILY_UNAVAILABLE",
        _ => "INTERNAL_ERROR",
    };

    private static (string? Code, string? Message) TryReadMlflowError(string body)
    {
        if (body.Length == 0 || body.TrimStart() is not ['{', ..])
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return (Text(root, "error_code"), Text(root, "message"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
