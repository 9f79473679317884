namespace MlTrack.Server.Search;

/// <summary>
/// One order_by entry, <c>&lt;identifier&gt; [ASC|DESC]</c>, mirroring MLflow's
/// <c>SearchUtils._parse_order_by_string</c> and <c>_validate_order_by_and_generate_token</c>:
/// the whole entry must be one sqlparse identifier, optionally followed by one ordering word.
/// </summary>
internal static class OrderByParser
{
    /// <summary>Returns the identifier text (quotes kept) and the direction.</summary>
    public static (string Identifier, bool Ascending) Parse(string orderBy)
    {
        var couldNotParse = new FilterSyntaxException($"Invalid order_by clause '{orderBy}'. Could not be parsed.");

        // sqlparse keeps surrounding whitespace as extra tokens, so MLflow rejects " name" too.
        if (orderBy.Length == 0 || char.IsWhiteSpace(orderBy[0]) || char.IsWhiteSpace(orderBy[^1]))
        {
            throw couldNotParse;
        }

        var tokens = SearchLexer.Tokenize(orderBy);
        if (tokens.Count == 0 || !tokens[0].IsIdentifier || tokens.Count > 2)
        {
            throw couldNotParse;
        }

        if (tokens.Count == 1)
        {
            return (tokens[0].Text, true);
        }

        // sqlparse folds "<name> <word>" into one identifier (the word read as an alias or ordering).
        var direction = tokens[1];
        if (!direction.IsIdentifier || direction.Text.Contains('.', StringComparison.Ordinal))
        {
            throw couldNotParse;
        }

        return direction.Text.ToUpperInvariant() switch
        {
            "ASC" => (tokens[0].Text, true),
            "DESC" => (tokens[0].Text, false),
            _ => throw new FilterSyntaxException($"Invalid ordering key in order_by clause '{orderBy}'."),
        };
    }

    /// <summary>MLflow's answer to a repeated key (a 500 there; a 400 here).</summary>
    public static FilterSyntaxException Duplicate(IReadOnlyList<string> orderBy) =>
        new($"`order_by` contains duplicate fields: {SearchKeys.PyList(orderBy)}");
}
