using System.Globalization;
using Dapper;
using MlTrack.Server.Errors;
using MlTrack.Server.Search;

namespace MlTrack.Server.Storage;

/// <summary>
/// Turns validated filter clauses into SQL of one dialect. Values never become SQL text: each one is bound as a
/// generated parameter (@p0, @p1, ...), so the SQL shape depends only on the filter's structure. The dialects differ
/// only in lists, pattern matching and how a null test reads as a sortable value.
/// </summary>
internal abstract class FilterSql
{
    private int _next;

    public DynamicParameters Parameters { get; } = new();

    /// <summary>Binds a value and returns its parameter name.</summary>
    public string Bind(object? value)
    {
        var name = "@p" + _next++.ToString(CultureInfo.InvariantCulture);
        Parameters.Add(name, value);
        return name;
    }

    /// <summary><c>column op value</c> for a string or numeric column.</summary>
    public string Compare(string column, ComparisonOperator op, FilterValue value) => (op, value) switch
    {
        (ComparisonOperator.In, StringListValue list) => InList(column, list.Values),
        (ComparisonOperator.NotIn, StringListValue list) => $"NOT ({InList(column, list.Values)})",
        (ComparisonOperator.Like, StringValue s) => Like(column, s.Value),
        (ComparisonOperator.ILike, StringValue s) => ILike(column, s.Value),
        (_, StringValue s) => $"{column} {Symbol(op)} {Bind(s.Value)}",
        (_, NumberValue n) => $"{column} {Symbol(op)} {Bind(n.Value)}",
        _ => throw MlflowException.InvalidParameter($"Invalid comparison {op} for value {value}"),
    };

    /// <summary>
    /// <c>column op value</c> for the value column of params and tags, whose index may hold only a prefix of the
    /// value (PostgreSQL's b-tree can't hold MLflow's longest values).
    /// </summary>
    public virtual string CompareValue(string column, ComparisonOperator op, FilterValue value) => Compare(column, op, value);

    /// <summary><c>column IN (values)</c>, the values bound as one parameter.</summary>
    public abstract string InList<T>(string column, IReadOnlyList<T> values);

    /// <summary>A 0/1 (not boolean) expression that is 1 when <paramref name="expression"/> is null: a sort key component.</summary>
    public abstract string IsNull(string expression);

    /// <summary>MLflow's LIKE: case-sensitive, % and _ as wildcards, no escape character.</summary>
    protected abstract string Like(string column, string pattern);

    /// <summary>MLflow's ILIKE: LIKE ignoring case.</summary>
    protected abstract string ILike(string column, string pattern);

    private static string Symbol(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "=",
        ComparisonOperator.NotEqual => "!=",
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        ComparisonOperator.GreaterOrEqual => ">=",
        _ => throw MlflowException.InvalidParameter($"Invalid comparator {op}"),
    };
}
