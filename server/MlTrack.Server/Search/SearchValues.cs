using System.Globalization;
using System.Text;

namespace MlTrack.Server.Search;

/// <summary>Turns value tokens into <see cref="FilterValue"/>s the way MLflow's <c>_get_value</c> helpers do.</summary>
internal static class SearchValues
{
    public static bool IsQuotedStringToken(SearchToken token) =>
        token.Kind is SearchTokenKind.String or SearchTokenKind.Identifier;

    /// <summary>A number literal; callers have checked <see cref="SearchTokenKind.Number"/>.</summary>
    public static NumberValue Number(SearchToken token) =>
        new(double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture));

    /// <summary>A string or identifier token; quotes are required (MLflow <c>_strip_quotes(..., True)</c>).</summary>
    public static StringValue QuotedString(SearchToken token) => new(SearchKeys.StripQuotes(token.Text, expectQuotedValue: true));

    /// <summary>
    /// A parenthesised list of single-quoted strings, mirroring <c>_check_valid_identifier_list</c>,
    /// <c>_parse_list_from_sql_token</c> (Python <c>ast.literal_eval</c>) and <c>_parse_run_ids</c>,
    /// which drops every value that is not all lower case (MySQL's IN ignores case, run ids are lower case).
    /// </summary>
    public static StringListValue StringList(SearchToken group)
    {
        var children = group.Children ?? [];
        if (children.Count == 0)
        {
            throw new FilterSyntaxException(
                "While parsing a list in the query, expected a non-empty list of string values, but got empty list");
        }

        List<SearchToken> elements = children.Count == 1 && children[0].Kind == SearchTokenKind.String
            ? [children[0]]
            : SplitElements(children, group.Text);
        var values = elements.Select(e => PythonStringLiteral(e.Text)).Where(IsLower).ToList();
        return new StringListValue(values);
    }

    private static List<SearchToken> SplitElements(IReadOnlyList<SearchToken> children, string groupText)
    {
        var illFormed = new FilterSyntaxException(
            "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.");
        if (!children.Any(c => c.Kind == SearchTokenKind.Comma))
        {
            throw illFormed;
        }

        var segments = new List<List<SearchToken>> { new() };
        foreach (var child in children)
        {
            if (child.Kind == SearchTokenKind.Comma)
            {
                segments.Add([]);
            }
            else
            {
                segments[^1].Add(child);
            }
        }

        // sqlparse accepts one trailing comma after two or more elements ("('a','b',)"), not "('a',)".
        if (segments.Count > 2 && segments[^1].Count == 0)
        {
            segments.RemoveAt(segments.Count - 1);
        }

        if (segments.Any(s => s.Count != 1 || s[0].Kind == SearchTokenKind.Group))
        {
            throw illFormed;
        }

        if (segments.Any(s => s[0].Kind != SearchTokenKind.String))
        {
            throw new FilterSyntaxException(
                "While parsing a list in the query, expected string value, punctuation, or whitespace, "
                + $"but got different type in list: {groupText}");
        }

        return segments.Select(s => s[0]).ToList();
    }

    /// <summary>
    /// The value Python's <c>literal_eval</c> gives a single-quoted literal: backslash escapes are
    /// decoded and a doubled quote splits it into two adjacent literals, which Python concatenates.
    /// </summary>
    private static string PythonStringLiteral(string quoted)
    {
        var body = quoted[1..^1];
        var sb = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '\'' && i + 1 < body.Length && body[i + 1] == '\'')
            {
                i++;
            }
            else if (c == '\\' && i + 1 < body.Length)
            {
                i++;
                sb.Append(body[i] switch
                {
                    'n' => "\n",
                    't' => "\t",
                    'r' => "\r",
                    '0' => "\0",
                    '\\' or '\'' or '"' => body[i].ToString(),
                    _ => "\\" + body[i], // Python keeps unknown escapes as written
                });
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Python's <c>str.islower()</c>: at least one cased character and none upper or title case.</summary>
    private static bool IsLower(string value)
    {
        var hasCased = false;
        foreach (var c in value)
        {
            if (char.IsUpper(c) || char.GetUnicodeCategory(c) == UnicodeCategory.TitlecaseLetter)
            {
                return false;
            }

            hasCased |= char.IsLower(c);
        }

        return hasCased;
    }
}
