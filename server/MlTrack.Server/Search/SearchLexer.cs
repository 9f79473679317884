namespace MlTrack.Server.Search;

/// <summary>
/// Hand lexer standing in for the subset of <c>sqlparse</c>'s lexer (sqlparse/keywords.py SQL_REGEX)
/// that MLflow's search grammar relies on. It never throws: text it cannot read becomes
/// <see cref="SearchTokenKind.Unknown"/> tokens, which the parser reports as invalid clauses,
/// as MLflow does.
/// </summary>
internal static class SearchLexer
{
    // Bare words sqlparse lexes as keywords and that matter to the grammar; every other word is a name.
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "IS", "NULL", "TRUE", "FALSE",
    };

    public static List<SearchToken> Tokenize(string text)
    {
        var tokens = new List<SearchToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            var kind = ReadToken(text, ref i);
            tokens.Add(new SearchToken(kind, text[start..i], start));
        }

        return tokens;
    }

    private static SearchTokenKind ReadToken(string text, ref int i)
    {
        var c = text[i];
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        switch (c)
        {
            case '-' when next == '-':
                i = text.IndexOf('\n', i) is var nl and >= 0 ? nl : text.Length;
                return SearchTokenKind.Comment;
            case '/' when next == '*':
                i = text.IndexOf("*/", i + 2, StringComparison.Ordinal) is var close and >= 0 ? close + 2 : text.Length;
                return SearchTokenKind.Comment;
            case '(':
                i++;
                return SearchTokenKind.LeftParen;
            case ')':
                i++;
                return SearchTokenKind.RightParen;
            case ',':
                i++;
                return SearchTokenKind.Comma;
            case ';':
                i++;
                return SearchTokenKind.Semicolon;
            case '\'':
                {
                    // An unterminated quote is a lone Unknown token; the rest is lexed on (as sqlparse).
                    var end = ScanQuoted(text, i);
                    i = end < 0 ? i + 1 : end;
                    return end < 0 ? SearchTokenKind.Unknown : SearchTokenKind.String;
                }
            default:
                break;
        }

        if (IsNumberStart(text, i))
        {
            return ReadNumberOrWord(text, ref i);
        }

        if (IsNameChar(c) || c is '`' or '"')
        {
            var start = i;
            var end = ScanName(text, i);
            if (end == i)
            {
                i++; // unterminated leading quote
                return SearchTokenKind.Unknown;
            }

            i = end;
            var word = text[start..end];
            return Keywords.Contains(word) ? SearchTokenKind.Keyword : SearchTokenKind.Identifier;
        }

        if (IsComparisonChar(c))
        {
            while (i < text.Length && IsComparisonChar(text[i]))
            {
                i++;
            }

            return SearchTokenKind.Operator;
        }

        // sqlparse groups runs of other operator characters (e.g. "&&") into one token.
        if (IsOtherOperatorChar(c))
        {
            while (i < text.Length && IsOtherOperatorChar(text[i]))
            {
                i++;
            }

            return SearchTokenKind.Unknown;
        }

        i++;
        return SearchTokenKind.Unknown;
    }

    /// <summary>
    /// Numbers as sqlparse's Number.Integer/Float: <c>-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?</c>. A number
    /// run straight into letters (<c>1AND</c>, <c>1a</c>) is a word instead, so MLflow's
    /// "Expected numeric value ... Found 1AND" comes out.
    /// </summary>
    private static SearchTokenKind ReadNumberOrWord(string text, ref int i)
    {
        if (text[i] == '-')
        {
            i++;
        }

        i = SkipDigits(text, i);
        if (i < text.Length && text[i] == '.')
        {
            i = SkipDigits(text, i + 1);
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < text.Length && text[j] is '+' or '-')
            {
                j++;
            }

            if (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                i = SkipDigits(text, j);
            }
        }

        if (i < text.Length && (IsNameChar(text[i]) || text[i] == '.'))
        {
            while (i < text.Length && (IsNameChar(text[i]) || text[i] == '.'))
            {
                i++;
            }

            return SearchTokenKind.Identifier;
        }

        return SearchTokenKind.Number;
    }

    /// <summary>
    /// A dotted name whose segments are bare words or quoted (<c>`..`</c>, <c>".."</c>, and
    /// <c>'..'</c> after a dot, as in <c>metrics.'my metric'</c>). Returns the end index, or
    /// <paramref name="i"/> itself when the first segment is an unterminated quote.
    /// </summary>
    private static int ScanName(string text, int i)
    {
        var end = i;
        var first = true;
        while (i < text.Length)
        {
            var c = text[i];
            int segmentEnd;
            if (c is '`' or '"' || (c == '\'' && !first))
            {
                segmentEnd = ScanQuoted(text, i);
                if (segmentEnd < 0)
                {
                    return end;
                }
            }
            else if (IsNameChar(c))
            {
                segmentEnd = SkipNameChars(text, i);
            }
            else
            {
                return end;
            }

            first = false;
            end = segmentEnd;
            if (end < text.Length && text[end] == '.')
            {
                // The dot belongs to the name even when nothing follows it ("metrics." -> key "").
                end++;
                i = end;
                continue;
            }

            return end;
        }

        return end;
    }

    /// <summary>
    /// Scans a quoted run starting at <paramref name="i"/>; returns the index after the closing quote,
    /// or -1 when unterminated. A doubled quote or a backslash-escaped quote stays inside (sqlparse's
    /// <c>'(''|\\'|[^'])*'</c>; backticks only double).
    /// </summary>
    private static int ScanQuoted(string text, int i)
    {
        var quote = text[i];
        var j = i + 1;
        while (j < text.Length)
        {
            var c = text[j];
            if (c == '\\' && quote != '`' && j + 1 < text.Length && text[j + 1] == quote)
            {
                j += 2;
            }
            else if (c == quote)
            {
                if (j + 1 < text.Length && text[j + 1] == quote)
                {
                    j += 2;
                }
                else
                {
                    return j + 1;
                }
            }
            else
            {
                j++;
            }
        }

        return -1;
    }

    private static bool IsNumberStart(string text, int i)
    {
        static bool DigitAt(string s, int k) => k < s.Length && char.IsAsciiDigit(s[k]);

        var c = text[i];
        if (c == '-')
        {
            i++;
            c = i < text.Length ? text[i] : '\0';
        }

        return char.IsAsciiDigit(c) || (c == '.' && DigitAt(text, i + 1));
    }

    private static int SkipDigits(string text, int i)
    {
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i;
    }

    private static int SkipNameChars(string text, int i)
    {
        while (i < text.Length && IsNameChar(text[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    private static bool IsComparisonChar(char c) => c is '<' or '>' or '=' or '~' or '!';

    private static bool IsOtherOperatorChar(char c) => c is '+' or '/' or '@' or '#' or '%' or '^' or '&' or '|' or '-' or '*';
}
