using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using MlTrack.Server.Errors;
using MlTrack.Server.Search;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// Turns validated filter clauses into SQLite SQL. Values never become SQL text: each one is bound as a
/// generated parameter (@p0, @p1, ...), so the SQL shape depends only on the filter's structure.
/// </summary>
internal sealed class SqliteFilterSql
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
        (ComparisonOperator.In, StringListValue list) => $"{column} IN (SELECT value FROM json_each({Bind(JsonSerializer.Serialize(list.Values))}))",
        (ComparisonOperator.NotIn, StringListValue list) => $"{column} NOT IN (SELECT value FROM json_each({Bind(JsonSerializer.Serialize(list.Values))}))",
        // MLflow's LIKE is case-sensitive; SQLite's GLOB is, with its own wildcards.
        (ComparisonOperator.Like, StringValue s) => $"{column} GLOB {Bind(LikeToGlob(s.Value))}",
        // SQLite's LIKE ignores ASCII case, as MLflow's lower(x) LIKE lower(y) does.
        (ComparisonOperator.ILike, StringValue s) => $"{column} LIKE {Bind(s.Value)}",
        (_, StringValue s) => $"{column} {Symbol(op)} {Bind(s.Value)}",
        (_, NumberValue n) => $"{column} {Symbol(op)} {Bind(n.Value)}",
        _ => throw MlflowException.InvalidParameter($"Invalid comparison {op} for value {value}"),
    };

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

    /// <summary>LIKE pattern (% and _) to GLOB (* and ?), with GLOB's own special characters made literal.</summary>
    internal static string LikeToGlob(string like)
    {
        var glob = new StringBuilder(like.Length + 8);
        foreach (var c in like)
        {
            glob.Append(c switch
            {
                '%' => "*",
                '_' => "?",
                '*' => "[*]",
                '?' => "[?]",
                '[' => "[[]",
                _ => c.ToString(),
            });
        }

        return glob.ToString();
    }
}
