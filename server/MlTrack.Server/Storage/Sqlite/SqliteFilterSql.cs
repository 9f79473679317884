using System.Text;
using System.Text.Json;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>The search filter in SQLite's SQL: lists through json_each, LIKE as GLOB (see <see cref="FilterSql"/>).</summary>
internal sealed class SqliteFilterSql : FilterSql
{
    public override string InList<T>(string column, IReadOnlyList<T> values) =>
        $"{column} IN (SELECT value FROM json_each({Bind(JsonSerializer.Serialize(values))}))";

    public override string IsNull(string expression) => $"({expression} IS NULL)";

    // MLflow's LIKE is case-sensitive; SQLite's GLOB is, with its own wildcards.
    protected override string Like(string column, string pattern) => $"{column} GLOB {Bind(LikeToGlob(pattern))}";

    // SQLite's LIKE ignores ASCII case, as MLflow's lower(x) LIKE lower(y) does.
    protected override string ILike(string column, string pattern) => $"{column} LIKE {Bind(pattern)}";

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
