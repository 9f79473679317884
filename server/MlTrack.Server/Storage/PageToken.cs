using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Storage;

/// <summary>
/// Where the next page starts: MLflow's offset, and for runs/search also the sort key of the last row seen
/// (<see cref="After"/>), so that a deep page seeks to its first row instead of counting through the offset.
/// <see cref="Order"/> names the ordering the key belongs to; a cursor from another ordering falls back to the offset.
/// </summary>
internal sealed record PageCursor(int Offset, IReadOnlyList<object>? After = null, string? Order = null);

/// <summary>
/// MLflow's page token: base64 of the JSON <c>{"offset": N}</c> (mlflow/utils/search_utils.py), which clients treat
/// as opaque; runs/search tokens also carry "after" and "order" (see <see cref="PageCursor"/>).
/// </summary>
internal static class PageToken
{
    public static string Encode(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset}}}"));

    public static string Encode(PageCursor cursor)
    {
        var json = new JsonObject
        {
            ["offset"] = cursor.Offset,
            ["after"] = new JsonArray([.. (cursor.After ?? []).Select(v => JsonValue.Create(v))]),
            ["order"] = cursor.Order,
        };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    public static int Decode(string? token) => DecodeCursor(token).Offset;

    public static PageCursor DecodeCursor(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return new PageCursor(0);
        }

        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(token));
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("offset", out var offset)
                && offset.ValueKind == JsonValueKind.Number && offset.TryGetInt32(out var value) && value >= 0)
            {
                return new PageCursor(value, After(root), root.TryGetProperty("order", out var order) && order.ValueKind == JsonValueKind.String ? order.GetString() : null);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw MlflowException.InvalidParameter($"Invalid page token, could not base64-decode: {token}");
        }

        throw MlflowException.InvalidParameter($"Invalid page token, decoded value={token}");
    }

    // Sort-key values are numbers or strings; anything else makes the cursor unusable, and the offset is used.
    private static List<object>? After(JsonElement root)
    {
        if (!root.TryGetProperty("after", out var after) || after.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var values = new List<object>();
        foreach (var item in after.EnumerateArray())
        {
            switch (item.ValueKind)
            {
                case JsonValueKind.Number when item.TryGetInt64(out var integer):
                    values.Add(integer);
                    break;
                case JsonValueKind.Number:
                    values.Add(item.GetDouble());
                    break;
                case JsonValueKind.String:
                    values.Add(item.GetString()!);
                    break;
                default:
                    return null;
            }
        }

        return values;
    }
}
