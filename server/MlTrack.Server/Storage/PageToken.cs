using System.Text;
using System.Text.Json;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Storage;

/// <summary>MLflow's page token: base64 of the JSON <c>{"offset": N}</c> (mlflow/utils/search_utils.py).</summary>
internal static class PageToken
{
    public static string Encode(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset}}}"));

    public static int Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(token));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("offset", out var offset)
                && offset.ValueKind == JsonValueKind.Number && offset.TryGetInt32(out var value) && value >= 0)
            {
                return value;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw MlflowException.InvalidParameter($"Invalid page token, could not base64-decode: {token}");
        }

        throw MlflowException.InvalidParameter($"Invalid page token, decoded value={token}");
    }
}
