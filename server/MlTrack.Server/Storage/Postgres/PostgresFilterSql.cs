using MlTrack.Server.Search;

namespace MlTrack.Server.Storage.Postgres;

/// <summary>The search filter in PostgreSQL's SQL: lists as array parameters, LIKE without an escape character.</summary>
internal sealed class PostgresFilterSql : FilterSql
{
    // The param and tag indexes hold left(value, 512): a b-tree entry can't hold MLflow's longest values.
    private const int IndexedPrefix = 512;

    public override string InList<T>(string column, IReadOnlyList<T> values) => $"{column} = ANY({Bind(values.ToArray())})";

    public override string IsNull(string expression) => $"({expression} IS NULL)::int";

    /// <summary>
    /// Equality on the indexed prefix, so the index answers it: for a value shorter than the prefix, the prefix is
    /// equal only when the whole value is. (A .NET length counts UTF-16 units, never fewer than characters.)
    /// </summary>
    public override string CompareValue(string column, ComparisonOperator op, FilterValue value) => (op, value) switch
    {
        (ComparisonOperator.Equal, StringValue s) when s.Value.Length < IndexedPrefix =>
            $"left({column}, {IndexedPrefix}) = {Bind(s.Value)}",
        _ => Compare(column, op, value),
    };

    protected override string Like(string column, string pattern) => $"{column} LIKE {Bind(pattern)} ESCAPE ''";

    protected override string ILike(string column, string pattern) => $"{column} ILIKE {Bind(pattern)} ESCAPE ''";
}
