namespace MlTrack.Server.Storage.Postgres;

/// <summary>The search filter in PostgreSQL's SQL: lists as array parameters, LIKE without an escape character.</summary>
internal sealed class PostgresFilterSql : FilterSql
{
    public override string InList<T>(string column, IReadOnlyList<T> values) => $"{column} = ANY({Bind(values.ToArray())})";

    public override string IsNull(string expression) => $"({expression} IS NULL)::int";

    protected override string Like(string column, string pattern) => $"{column} LIKE {Bind(pattern)} ESCAPE ''";

    protected override string ILike(string column, string pattern) => $"{column} ILIKE {Bind(pattern)} ESCAPE ''";
}
