namespace MlTrack.Server.Search;

/// <summary>
/// One comparison as sqlparse groups it, before any validation: left operand, comparator
/// (keywords upper-cased, "NOT IN" / "NOT LIKE" joined) and right operand.
/// </summary>
internal sealed record RawComparison(SearchToken Left, string Comparator, SearchToken Right)
{
    /// <summary>MLflow <c>_validate_comparison</c>: the left side must be an identifier.</summary>
    public string LeftIdentifier() => Left.IsIdentifier
        ? Left.Text
        : throw new FilterSyntaxException($"Invalid comparison clause. Expected 'Identifier' found '{Left.Text}'");
}

/// <summary>A comparison whose key and value have been read, before the store-level comparator check.</summary>
internal sealed record TypedComparison(EntityType Entity, string Key, string Comparator, FilterValue Value);

/// <summary>
/// Statement-level parsing shared by all filter grammars, mirroring MLflow's
/// <c>parse_search_filter</c> + <c>_process_statement</c> (+ <c>_join_in_comparison_tokens</c>):
/// a filter is comparisons and AND keywords; every other token is reported as an invalid clause.
/// </summary>
internal static class FilterParser
{
    /// <param name="filter">A non-blank filter string.</param>
    /// <param name="quoteInvalidClauses">
    /// SearchUtils (runs) quotes each invalid token (<c>'OR'</c>); the experiment and registry
    /// variants print them bare (<c>OR</c>).
    /// </param>
    public static IReadOnlyList<RawComparison> Parse(string filter, bool quoteInvalidClauses)
    {
        var flat = SearchLexer.Tokenize(filter);

        // sqlparse splits statements at ';'. A trailing ';' stays in the one statement (and is then
        // an invalid clause); anything after it makes a second statement.
        var semicolon = flat.FindIndex(t => t.Kind == SearchTokenKind.Semicolon);
        if (semicolon >= 0 && semicolon < flat.Count - 1)
        {
            throw new FilterSyntaxException(
                $"Search filter contained multiple expression '{filter}'. Provide AND-ed expression list.");
        }

        var tokens = GroupParentheses(flat, filter);
        var comparisons = new List<RawComparison>();
        var invalid = new List<SearchToken>();
        var i = 0;
        while (i < tokens.Count)
        {
            if (tokens[i].IsKeyword("AND"))
            {
                i++;
            }
            else if (TryReadComparison(tokens, ref i) is { } comparison)
            {
                comparisons.Add(comparison);
            }
            else
            {
                // Like sqlparse, a token that starts no comparison is left on its own and the
                // scan goes on with the next one ("metrics.a >" -> 'metrics.a', '>').
                invalid.Add(tokens[i]);
                i++;
            }
        }

        if (invalid.Count > 0)
        {
            var clauses = invalid.Select(t => quoteInvalidClauses ? $"'{t.Text}'" : t.Text);
            throw new FilterSyntaxException($"Invalid clause(s) in filter string: {string.Join(", ", clauses)}");
        }

        return comparisons;
    }

    /// <summary>
    /// <c>left op right</c>, <c>left [NOT] LIKE|ILIKE right</c>, or <c>identifier [NOT] IN (list)</c>.
    /// Advances <paramref name="i"/> past the comparison when one is found.
    /// </summary>
    private static RawComparison? TryReadComparison(List<SearchToken> tokens, ref int i)
    {
        SearchToken? At(int k) => k < tokens.Count ? tokens[k] : null;

        var left = tokens[i];
        if (left.Kind is not (SearchTokenKind.Identifier or SearchTokenKind.String or SearchTokenKind.Number))
        {
            return null;
        }

        // IN needs an identifier and a parenthesised list, else sqlparse leaves the tokens apart.
        if (left.IsIdentifier && At(i + 1)?.IsKeyword("IN") == true && At(i + 2)?.Kind == SearchTokenKind.Group)
        {
            i += 3;
            return new RawComparison(left, "IN", tokens[i - 1]);
        }

        if (left.IsIdentifier && At(i + 1)?.IsKeyword("NOT") == true && At(i + 2)?.IsKeyword("IN") == true
            && At(i + 3)?.Kind == SearchTokenKind.Group)
        {
            i += 4;
            return new RawComparison(left, "NOT IN", tokens[i - 1]);
        }

        var (comparator, width) = ReadComparator(tokens, i + 1);
        if (comparator is null || At(i + 1 + width) is not { IsValue: true } right)
        {
            return null;
        }

        i += 2 + width;
        return new RawComparison(left, comparator, right);
    }

    private static (string? Comparator, int Width) ReadComparator(List<SearchToken> tokens, int k)
    {
        if (k >= tokens.Count)
        {
            return (null, 0);
        }

        var token = tokens[k];
        if (token.Kind == SearchTokenKind.Operator)
        {
            return (token.Text, 1);
        }

        if (token.IsKeyword("LIKE") || token.IsKeyword("ILIKE"))
        {
            return (SearchKeys.NormalizeComparator(token.Text), 1);
        }

        // "NOT LIKE" parses in MLflow (sqlparse lexes it as one comparison) and is refused later.
        if (token.IsKeyword("NOT") && k + 1 < tokens.Count && (tokens[k + 1].IsKeyword("LIKE") || tokens[k + 1].IsKeyword("ILIKE")))
        {
            return ("NOT " + SearchKeys.NormalizeComparator(tokens[k + 1].Text), 2);
        }

        return (null, 0);
    }

    /// <summary>Nests matching parentheses into <see cref="SearchTokenKind.Group"/> tokens; unmatched ones stay as they are.</summary>
    private const int MaxNesting = 16;

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "...";

    private static List<SearchToken> GroupParentheses(List<SearchToken> flat, string source)
    {
        var root = new List<SearchToken>();
        var stack = new Stack<(int OpenIndex, List<SearchToken> Outer)>();
        var current = root;
        foreach (var token in flat)
        {
            if (token.Kind == SearchTokenKind.LeftParen)
            {
                // MLflow's grammar only nests one level (IN lists); deep nesting would cost quadratic time.
                if (stack.Count == MaxNesting)
                {
                    throw new FilterSyntaxException($"Invalid filter '{Shorten(source)}': parentheses nested deeper than {MaxNesting} levels.");
                }

                stack.Push((token.Start, current));
                current = [token];
            }
            else if (token.Kind == SearchTokenKind.RightParen && stack.Count > 0)
            {
                var (open, outer) = stack.Pop();
                var children = current.Skip(1).ToList();
                outer.Add(new SearchToken(SearchTokenKind.Group, source[open..token.End], open, children));
                current = outer;
            }
            else
            {
                current.Add(token);
            }
        }

        // Unclosed '(': its contents go back, flat, into the enclosing list.
        while (stack.Count > 0)
        {
            var (_, outer) = stack.Pop();
            outer.AddRange(current);
            current = outer;
        }

        return current;
    }
}
