namespace MlTrack.Server.Search;

/// <summary>Token kinds, roughly sqlparse's token types as MLflow's search code tests them.</summary>
internal enum SearchTokenKind
{
    /// <summary>A name, possibly dotted and quoted: <c>tags.mlflow.runName</c>, <c>metrics.`a b`</c>, <c>"x"</c>.</summary>
    Identifier,

    /// <summary>A single-quoted literal (sqlparse <c>String.Single</c>).</summary>
    String,

    /// <summary>An integer or float literal, optionally negative.</summary>
    Number,

    /// <summary>A run of <c>&lt;&gt;=~!</c> (sqlparse <c>Operator.Comparison</c>); validated later.</summary>
    Operator,

    /// <summary>A bare SQL word that sqlparse treats as a keyword: AND, OR, NOT, IN, LIKE, ...</summary>
    Keyword,

    LeftParen,
    RightParen,
    Comma,
    Semicolon,
    Comment,

    /// <summary>Anything else, including an unterminated quote; always an invalid clause.</summary>
    Unknown,

    /// <summary>A parenthesised group, built by the parser from matching parentheses.</summary>
    Group,
}

/// <summary>
/// One token. <see cref="Text"/> is the exact source text (quotes included), which MLflow echoes
/// in its error messages. <see cref="Children"/> is set for <see cref="SearchTokenKind.Group"/> only.
/// </summary>
internal sealed record SearchToken(SearchTokenKind Kind, string Text, int Start, IReadOnlyList<SearchToken>? Children = null)
{
    public int End => Start + Text.Length;

    public bool IsKeyword(string word) =>
        Kind == SearchTokenKind.Keyword && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    /// <summary>sqlparse's <c>Identifier</c>: what MLflow accepts on the left of a comparison.</summary>
    public bool IsIdentifier => Kind == SearchTokenKind.Identifier;

    /// <summary>A literal that sqlparse would group as the right side of a comparison.</summary>
    public bool IsValue =>
        Kind is SearchTokenKind.Identifier or SearchTokenKind.String or SearchTokenKind.Number or SearchTokenKind.Group
        || IsKeyword("NULL");
}
