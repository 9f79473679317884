using System.Globalization;
using System.Text.RegularExpressions;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Api;

/// <summary>MLflow's input rules and their messages (mlflow/utils/validation.py at 2.12).</summary>
internal static partial class Validation
{
    public const int MaxEntityKeyLength = 250;
    public const int MaxParamValueLength = 6000;
    public const int MaxTagValueLength = 5000;
    public const int MaxExperimentTagValueLength = 5000;
    public const int MaxMetricsPerBatch = 1000;
    public const int MaxParamsTagsPerBatch = 100;
    public const int MaxEntitiesPerBatch = 1000;

    private const string BadCharactersMessage =
        "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).";

    public static void MetricName(string? name) => EntityName("metric", "Metric", name);

    /// <summary>A valid metric; keys already in <paramref name="validKeys"/> are not checked again (a batch repeats a few keys).</summary>
    public static Metric Metric(string key, double value, long timestamp, long step, HashSet<string>? validKeys = null)
    {
        if (validKeys?.Contains(key) != true)
        {
            MetricName(key);
            KeyLength("Metric name", key);
            validKeys?.Add(key);
        }

        if (timestamp < 0)
        {
            throw MlflowException.InvalidParameter(
                $"Got invalid timestamp {timestamp} for metric '{key}' (value={PythonFloat(value)}). "
                + "Timestamp must be a nonnegative long (64-bit integer) ");
        }

        return new Metric(key, value, timestamp, step);
    }

    /// <summary>A valid param; an over-long value is truncated, as MLflow 2.11+ does by default.</summary>
    public static KeyValue Param(string? key, string? value)
    {
        EntityName("parameter", "Parameter", key);
        KeyLength("Param key", key!);
        return new KeyValue(key!, Truncate(value ?? "", MaxParamValueLength));
    }

    /// <summary>A valid run tag; an over-long value is truncated, as MLflow 2.11+ does by default.</summary>
    public static KeyValue Tag(string? key, string? value)
    {
        EntityName("tag", "Tag", key);
        KeyLength("Tag key", key!);
        return new KeyValue(key!, Truncate(value ?? "", MaxTagValueLength));
    }

    public static KeyValue ExperimentTag(string? key, string? value)
    {
        EntityName("tag", "Tag", key);
        KeyLength("Tag key", key!);
        value ??= "";
        return value.Length <= MaxExperimentTagValueLength
            ? new KeyValue(key!, value)
            : throw TooLong("Tag value", value, MaxExperimentTagValueLength);
    }

    public static void RunId(string runId)
    {
        if (!RunIdPattern().IsMatch(runId))
        {
            throw MlflowException.InvalidParameter($"Invalid run ID: '{runId}'");
        }
    }

    public static void BatchLimits(int metrics, int parameters, int tags)
    {
        BatchLimit("metrics", MaxMetricsPerBatch, metrics);
        BatchLimit("params", MaxParamsTagsPerBatch, parameters);
        BatchLimit("tags", MaxParamsTagsPerBatch, tags);
        BatchLimit("metrics, params, and tags", MaxEntitiesPerBatch, metrics + parameters + tags);
    }

    public static void UniqueParamKeys(IReadOnlyList<KeyValue> parameters)
    {
        var duplicates = parameters.GroupBy(p => p.Key).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'").ToList();
        if (duplicates.Count > 0)
        {
            throw MlflowException.InvalidParameter(
                $"Duplicate parameter keys have been submitted: [{string.Join(", ", duplicates)}]. "
                + "Please ensure the request contains only one param value per param key.");
        }
    }

    /// <summary>Python's repr of a float, as it appears in MLflow's messages.</summary>
    public static string PythonFloat(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ when value == Math.Floor(value) && Math.Abs(value) < 1e16 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void EntityName(string kind, string capitalized, string? name)
    {
        if (name is null)
        {
            throw MlflowException.InvalidParameter($"{capitalized} name cannot be None. A key name must be provided.");
        }

        if (!NamePattern().IsMatch(name))
        {
            throw MlflowException.InvalidParameter($"Invalid {kind} name: '{name}'. {BadCharactersMessage}");
        }

        var normalized = PosixPath.Normalize(name);
        if (normalized != name || normalized == "." || normalized.StartsWith("..", StringComparison.Ordinal) || normalized.StartsWith('/'))
        {
            throw MlflowException.InvalidParameter(
                $"Invalid {kind} name: '{name}'. Names may be treated as files in certain cases, and must not resolve to other names "
                + $"when treated as such. This name would resolve to '{normalized}'");
        }
    }

    private static void KeyLength(string entity, string key)
    {
        if (key.Length > MaxEntityKeyLength)
        {
            throw TooLong(entity, key, MaxEntityKeyLength);
        }
    }

    private static MlflowException TooLong(string entity, string value, int limit) =>
        MlflowException.InvalidParameter(
            $"{entity} '{value[..Math.Min(250, value.Length)]}' had length {value.Length}, which exceeded length limit of {limit}");

    // Lengths count code points, as Python's len() does, not UTF-16 units.
    private static string Truncate(string value, int limit)
    {
        if (value.Length <= limit)
        {
            return value;
        }

        var info = new StringInfoCodePoints(value);
        return info.Count <= limit ? value : info.Prefix(limit);
    }

    private static void BatchLimit(string entity, int limit, int count)
    {
        if (count > limit)
        {
            throw MlflowException.InvalidParameter(
                $"A batch logging request can contain at most {limit} {entity}. Got {count} {entity}. "
                + $"Please split up {entity} across multiple requests and try again.");
        }
    }

    // Python's \w is Unicode-aware; so is .NET's.
    [GeneratedRegex(@"^[/\w.\- ]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9][\w\-]{0,255}$")]
    private static partial Regex RunIdPattern();

    private readonly struct StringInfoCodePoints(string value)
    {
        public int Count => value.EnumerateRunes().Count();

        public string Prefix(int codePoints)
        {
            var length = 0;
            foreach (var rune in value.EnumerateRunes().Take(codePoints))
            {
                length += rune.Utf16SequenceLength;
            }

            return value[..length];
        }
    }
}
