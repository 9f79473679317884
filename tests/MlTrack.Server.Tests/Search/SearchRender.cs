using System.Globalization;
using MlTrack.Server.Search;

namespace MlTrack.Server.Tests.Search;

/// <summary>
/// Compact text for parsed clauses so test tables stay one line per case:
/// <c>Metric:acc &gt; 0.5 AND Tag:mlflow.runName = 'x' AND Attribute:run_id IN ('a', 'b')</c>.
/// Numbers print bare and strings quoted, so the value type is visible too.
/// </summary>
internal static class SearchRender
{
    public static string Clauses(IEnumerable<FilterClause> clauses) => string.Join(" AND ", clauses.Select(Clause));

    public static string Terms(IEnumerable<OrderByTerm> terms) =>
        string.Join(", ", terms.Select(t => $"{t.Entity}:{t.Key} {(t.Ascending ? "ASC" : "DESC")}"));

    private static string Clause(FilterClause c) => $"{c.Entity}:{c.Key} {Operator(c.Operator)} {Value(c.Value)}";

    private static string Value(FilterValue value) => value switch
    {
        NumberValue n => n.Value.ToString("R", CultureInfo.InvariantCulture),
        StringValue s => $"'{s.Value}'",
        StringListValue l => "(" + string.Join(", ", l.Values.Select(v => $"'{v}'")) + ")",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    private static string Operator(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "=",
        ComparisonOperator.NotEqual => "!=",
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        ComparisonOperator.GreaterOrEqual => ">=",
        ComparisonOperator.Like => "LIKE",
        ComparisonOperator.ILike => "ILIKE",
        ComparisonOperator.In => "IN",
        ComparisonOperator.NotIn => "NOT IN",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };
}
