using System.Globalization;
using System.Text.RegularExpressions;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using MlTrack.Server.Search;

namespace MlTrack.Server.Api.ModelRegistry;

/// <summary>The registry's input rules and their messages (mlflow/utils/validation.py at 2.12).</summary>
internal static partial class RegistryValidation
{
    public const int MaxTagKeyLength = 250;
    public const int MaxTagValueLength = 5000;
    public const int MaxAliasLength = 255;

    private const string BadCharactersMessage =
        "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).";

    /// <summary>A model version: an integer (Python's int(): sign and surrounding spaces allowed), else 400.</summary>
    public static long Version(string version) =>
        long.TryParse(
            version,
            NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
            CultureInfo.InvariantCulture,
            out var number)
            ? number
            : throw MlflowException.InvalidParameter($"Model version must be an integer, got '{version}'");

    /// <summary>The required <c>version</c> field, sent as a string (or, leniently, as a JSON number).</summary>
    public static long RequiredVersion(MlflowRequest request) => Version(request.RequiredId("version"));

    public static KeyValue RegisteredModelTag(string? key, string? value) => Tag("Registered model", key, value);

    public static KeyValue ModelVersionTag(string? key, string? value) => Tag("Model version", key, value);

    /// <summary>MLflow's _validate_tag_name: word characters, '/', '.', '-' and space, and no path tricks.</summary>
    public static string TagName(string? key)
    {
        if (key is null)
        {
            throw MlflowException.InvalidParameter("Tag name cannot be None. A key name must be provided.");
        }

        if (!NamePattern().IsMatch(key))
        {
            throw MlflowException.InvalidParameter($"Invalid tag name: '{key}'. {BadCharactersMessage}");
        }

        var normalized = PosixPath.Normalize(key);
        if (normalized != key || normalized == "." || normalized.StartsWith("..", StringComparison.Ordinal) || normalized.StartsWith('/'))
        {
            throw MlflowException.InvalidParameter(
                $"Invalid tag name: '{key}'. Names may be treated as files in certain cases, and must not resolve to other names "
                + $"when treated as such. This name would resolve to '{normalized}'");
        }

        return key;
    }

    /// <summary>
    /// MLflow's _validate_model_alias_name: word characters and '-', at most 255, not <c>latest</c> in any case and
    /// not <c>v&lt;digits&gt;</c> (which would read as a version).
    /// </summary>
    public static string Alias(string alias)
    {
        if (!AliasPattern().IsMatch(alias))
        {
            throw MlflowException.InvalidParameter(
                $"Invalid alias name: '{alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).");
        }

        Length("Registered model alias name", alias, MaxAliasLength);
        if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            throw MlflowException.InvalidParameter("'latest' alias name (case insensitive) is reserved.");
        }

        return VersionAliasPattern().IsMatch(alias)
            ? throw MlflowException.InvalidParameter($"Version alias name '{alias}' is reserved.")
            : alias;
    }

    /// <summary>A stage in any case, as its canonical name; anything else is 400.</summary>
    public static string Stage(string stage) => ModelVersionStages.Canonical(stage);

    /// <summary>archive_existing_versions only makes sense for Staging and Production (MLflow answers 500 here; a 400 says the same).</summary>
    public static void ArchiveExistingVersions(string requestedStage, string canonicalStage, bool archive)
    {
        if (archive && !ModelVersionStages.Active.Contains(canonicalStage))
        {
            throw MlflowException.InvalidParameter(
                $"Model version transition cannot archive existing model versions because '{requestedStage}' is not an Active stage. "
                + $"Valid stages are {SearchKeys.PyList(ModelVersionStages.Active)}");
        }
    }

    /// <summary>max_results of a search: at least 1 and at most <paramref name="limit"/>.</summary>
    public static int MaxResults(long maxResults, int limit)
    {
        if (maxResults < 1)
        {
            throw MlflowException.InvalidParameter($"Invalid value for max_results. It must be a positive integer, but got {maxResults}");
        }

        return maxResults <= limit
            ? (int)maxResults
            : throw MlflowException.InvalidParameter(
                $"Invalid value for request parameter max_results. It must be at most {limit}, but got value {maxResults}");
    }

    private static KeyValue Tag(string entity, string? key, string? value)
    {
        TagName(key);
        value ??= "";
        Length($"{entity} key", key!, MaxTagKeyLength);
        Length($"{entity} value", value, MaxTagValueLength);
        return new KeyValue(key!, value);
    }

    // Lengths count code points, as Python's len() does.
    private static void Length(string entity, string value, int limit)
    {
        if (value.Length <= limit)
        {
            return;
        }

        var runes = value.EnumerateRunes().ToList();
        if (runes.Count > limit)
        {
            var prefix = string.Concat(runes.Take(250).Select(r => r.ToString()));
            throw MlflowException.InvalidParameter($"{entity} '{prefix}' had length {runes.Count}, which exceeded length limit of {limit}");
        }
    }

    // Python's \w is Unicode-aware; so is .NET's.
    [GeneratedRegex(@"^[/\w.\- ]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[\w\-]*$")]
    private static partial Regex AliasPattern();

    [GeneratedRegex(@"^[vV]\d+$")]
    private static partial Regex VersionAliasPattern();
}
