namespace MlTrack.Server.Search;

/// <summary>
/// Identifier and comparator helpers shared by the four grammars; each mirrors a small
/// <c>SearchUtils</c> class method of MLflow 2.12.2 (mlflow/utils/search_utils.py).
/// </summary>
internal static class SearchKeys
{
    // Comparator sets in the order MLflow's messages are tested against (Python prints sets unordered).
    public static readonly string[] NumericComparators = [">", ">=", "!=", "=", "<", "<="];
    public static readonly string[] StringComparators = ["!=", "=", "LIKE", "ILIKE"];
    public static readonly string[] StringOrListComparators = ["!=", "=", "LIKE", "ILIKE", "IN", "NOT IN"];

    /// <summary>Splits at the first dot (<c>identifier.split(".", 1)</c>): <c>tags.mlflow.runName</c> -> (tags, mlflow.runName).</summary>
    public static (string? Entity, string Key) Split(string identifier)
    {
        var dot = identifier.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (null, identifier) : (identifier[..dot], identifier[(dot + 1)..]);
    }

    /// <summary>
    /// The identifier rule of <c>SearchExperimentsUtils._get_identifier</c> and the registry's
    /// <c>_get_model_search_identifier</c>: prefix <c>attribute</c>, <c>tag</c> or <c>tags</c> (taken
    /// verbatim), none meaning attribute. The registry filters check the attribute key before
    /// unquoting it (<paramref name="checkKeyBeforeUnquote"/>), the others after.
    /// </summary>
    public static (EntityType Entity, string Key) ReadAttributeOrTag(
        string identifier, IReadOnlyCollection<string> validAttributes, bool checkKeyBeforeUnquote = false)
    {
        var (prefix, rawKey) = Split(identifier);
        var entity = prefix switch
        {
            null or "attribute" => EntityType.Attribute,
            "tag" or "tags" => EntityType.Tag,
            _ => throw new FilterSyntaxException(
                $"Invalid entity type '{prefix}'. Valid entity types are ('attribute', 'tag', 'tags')"),
        };
        var key = checkKeyBeforeUnquote ? rawKey : Unquote(rawKey);
        if (entity == EntityType.Attribute && !validAttributes.Contains(key))
        {
            throw new FilterSyntaxException(
                $"Invalid attribute key '{key}' specified. Valid keys are '{PySet(validAttributes)}'");
        }

        return (entity, checkKeyBeforeUnquote ? Unquote(key) : key);
    }

    /// <summary>MLflow <c>_strip_quotes</c>: drops one pair of single or double quotes; no unescaping.</summary>
    public static string StripQuotes(string value, bool expectQuotedValue = false)
    {
        if (IsQuoted(value, '\'') || IsQuoted(value, '"'))
        {
            return value[1..^1];
        }

        if (expectQuotedValue)
        {
            throw new FilterSyntaxException(
                $"Parameter value is either not quoted or unidentified quote types used for string value {value}. "
                + "Use either single or double quotes.");
        }

        return value;
    }

    /// <summary>MLflow <c>_trim_backticks</c>.</summary>
    public static string TrimBackticks(string value) => IsQuoted(value, '`') ? value[1..^1] : value;

    /// <summary>The key as MLflow normalises it: <c>_trim_backticks(_strip_quotes(key))</c>.</summary>
    public static string Unquote(string key) => TrimBackticks(StripQuotes(key));

    /// <summary>The comparator as MLflow's stores compare it: keywords upper-cased, operators verbatim.</summary>
    public static string NormalizeComparator(string comparator) => comparator.ToUpperInvariant();

    public static ComparisonOperator ToOperator(string comparator) => comparator switch
    {
        "=" => ComparisonOperator.Equal,
        "!=" => ComparisonOperator.NotEqual,
        "<" => ComparisonOperator.Less,
        "<=" => ComparisonOperator.LessOrEqual,
        ">" => ComparisonOperator.Greater,
        ">=" => ComparisonOperator.GreaterOrEqual,
        "LIKE" => ComparisonOperator.Like,
        "ILIKE" => ComparisonOperator.ILike,
        "IN" => ComparisonOperator.In,
        "NOT IN" => ComparisonOperator.NotIn,
        // Validators check comparators against their allowed sets first, so this is a bug guard.
        _ => throw new FilterSyntaxException($"Invalid comparator '{comparator}'"),
    };

    /// <summary>
    /// Our one addition to MLflow's checks: a parenthesised list goes with IN / NOT IN only, and
    /// IN / NOT IN with a list only (MLflow passes <c>run_id = ('a')</c> on to SQL and fails there).
    /// </summary>
    public static void RequireListMatchesComparator(string comparator, FilterValue value)
    {
        var isList = value is StringListValue;
        var isListComparator = comparator is "IN" or "NOT IN";
        if (isList && !isListComparator)
        {
            throw new FilterSyntaxException(
                $"Invalid comparator '{comparator}' for a list of values. Use 'IN' or 'NOT IN'.");
        }

        if (!isList && isListComparator)
        {
            throw new FilterSyntaxException(
                $"Comparator '{comparator}' expects a parenthesised list of quoted string values.");
        }
    }

    /// <summary>Python's repr of a set of strings, as MLflow interpolates it into messages.</summary>
    public static string PySet(IEnumerable<string> values) => "{" + string.Join(", ", values.Select(PyRepr)) + "}";

    /// <summary>Python's repr of a list of strings.</summary>
    public static string PyList(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(PyRepr)) + "]";

    private static string PyRepr(string value) =>
        value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal)
            ? $"\"{value}\""
            : $"'{value.Replace("'", "\\'", StringComparison.Ordinal)}'";

    private static bool IsQuoted(string value, char quote) =>
        value.Length >= 2 && value[0] == quote && value[^1] == quote;
}
