using System.Globalization;
using System.Text.Json;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Api;

/// <summary>
/// The parameters of one API call, read from the JSON body (POST, PATCH, DELETE) or the query string (GET),
/// with MLflow's leniency: unknown fields ignored, numbers accepted as numeric strings, doubles as "NaN",
/// enums by name or number, run_uuid in place of run_id (mlflow/server/handlers.py _get_request_message).
/// </summary>
internal sealed class MlflowRequest(JsonElement root, IDisposable? owner = null) : IDisposable
{
    private const string ApiDocsHint = " See the API docs for more information about request parameters.";
    private readonly JsonElement _root = root;

    /// <summary>Returns the pooled body and parsed documents; no element of this request may be used after it.</summary>
    public void Dispose() => owner?.Dispose();

    public bool Has(string name) => _root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public string? String(string name)
    {
        if (!_root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => throw InvalidType(name, value),
        };
    }

    /// <summary>A string that must be present and non-empty, as MLflow's _assert_required.</summary>
    public string RequiredString(string name)
    {
        var value = String(name);
        return string.IsNullOrEmpty(value) ? throw Missing(name) : value;
    }

    /// <summary>run_id, or run_uuid when run_id is absent (MLflow accepts both almost everywhere).</summary>
    public string RequiredRunId()
    {
        var value = String("run_id");
        if (string.IsNullOrEmpty(value))
        {
            value = String("run_uuid");
        }

        return string.IsNullOrEmpty(value) ? throw Missing("run_id") : value;
    }

    /// <summary>An id that MLflow 2.x also accepts as a JSON number (experiment_id).</summary>
    public string? Id(string name) =>
        _root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetRawText() : String(name);

    public string RequiredId(string name)
    {
        var value = Id(name);
        return string.IsNullOrEmpty(value) ? throw Missing(name) : value;
    }

    public long? Int64(string name) =>
        _root.TryGetProperty(name, out var value) ? ReadInt64(value, name) : null;

    public long RequiredInt64(string name) => Int64(name) ?? throw Missing(name);

    public double? Double(string name) =>
        _root.TryGetProperty(name, out var value) ? ReadDouble(value, name) : null;

    public bool? Bool(string name)
    {
        if (!_root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            _ => throw InvalidType(name, value),
        };
    }

    /// <summary>An enum given by name (any case) or by number.</summary>
    public TEnum? Enum<TEnum>(string name)
        where TEnum : struct, Enum
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = value.ValueKind is JsonValueKind.String or JsonValueKind.Number ? value.ToString() : null;
        // Enum.TryParse also reads "A,B" as a flags combination; MLflow takes one name or number.
        return text is not null && !text.Contains(',', StringComparison.Ordinal)
            && System.Enum.TryParse<TEnum>(text, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed)
            ? parsed
            : throw InvalidType(name, value);
    }

    public IReadOnlyList<string> StringList(string name)
    {
        var items = Array(name);
        var result = new List<string>(items.Count);
        foreach (var item in items)
        {
            result.Add(item.ValueKind switch
            {
                JsonValueKind.String => item.GetString()!,
                JsonValueKind.Number => item.GetRawText(),
                _ => throw InvalidType(name, item),
            });
        }

        return result;
    }

    /// <summary>A repeated field; a single value counts as a list of one (as the query-string parser does).</summary>
    public IReadOnlyList<JsonElement> Array(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : [value];
    }

    /// <summary>A field of an object inside a repeated field (tags[].key); a non-object item is a type error of the list.</summary>
    public static JsonElement? ItemField(JsonElement item, string field, string listName)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw InvalidType(listName, item);
        }

        return item.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    /// <inheritdoc cref="ItemField(JsonElement, string, string)"/>
    public static JsonElement? ItemField(JsonElement item, ReadOnlySpan<byte> utf8Field, string listName)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw InvalidType(listName, item);
        }

        return item.TryGetProperty(utf8Field, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public static string? ItemString(JsonElement item, string field, string listName) =>
        ItemField(item, field, listName) is { } value
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw InvalidType(field, value)
            : null;

    public static MlflowException Missing(string name) =>
        MlflowException.InvalidParameter($"Missing value for required parameter '{name}'.{ApiDocsHint}");

    public static MlflowException InvalidType(string name, JsonElement value) =>
        MlflowException.InvalidParameter(
            $"Invalid value {PythonRepr(value)} for parameter '{name}' supplied. Hint: Value was of type '{PythonType(value)}'.{ApiDocsHint}");

    public static long? ReadInt64(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when value.TryGetInt64(out var number) => number,
        JsonValueKind.Number when value.TryGetDouble(out var real) && real == Math.Floor(real) && Math.Abs(real) < 9.2e18 => (long)real,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
            => parsed,
        _ => throw InvalidType(name, value),
    };

    public static double? ReadDouble(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when TryParseDouble(value.GetString()!, out var parsed) => parsed,
        _ => throw InvalidType(name, value),
    };

    private static bool TryParseDouble(string text, out double value)
    {
        switch (text)
        {
            case "NaN":
                value = double.NaN;
                return true;
            case "Infinity" or "inf":
                value = double.PositiveInfinity;
                return true;
            case "-Infinity" or "-inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
        }
    }

    private static string PythonType(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "str",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "int" : "float",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "list",
        JsonValueKind.Object => "dict",
        _ => "NoneType",
    };

    private static string PythonRepr(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        JsonValueKind.String => value.GetString()!,
        _ => Truncate(value.GetRawText()),
    };

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
