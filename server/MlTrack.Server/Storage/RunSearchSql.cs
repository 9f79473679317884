using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MlTrack.Server.Errors;
using MlTrack.Server.Search;

namespace MlTrack.Server.Storage;

/// <summary>The first step of runs/search, shared by the stores: the page's run keys and the sort key of its last row.</summary>
internal sealed record RunPageQuery(string Text, int SortKeyCount, string Order, bool Seek);

/// <summary>
/// runs/search as SQL for any dialect (<see cref="FilterSql"/>): the ids and sort keys of one page, sorted and cut on
/// narrow rows, seeking past the cursor's last row when the page token belongs to the same ordering.
/// </summary>
internal static class RunSearchSql
{
    /// <summary>The experiment ids that can name experiments (integers); others match nothing.</summary>
    public static List<long> ExperimentKeys(IReadOnlyList<string> experimentIds) =>
        [.. experimentIds.Select(id => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(id => id >= 0).Distinct()];

    public static RunPageQuery PageQuery(FilterSql sql, RunQuery query, IReadOnlyList<long> experimentIds)
    {
        var joins = new StringBuilder();
        var where = new List<string>
        {
            experimentIds.Count == 1 ? $"r.experiment_id = {sql.Bind(experimentIds[0])}" : sql.InList("r.experiment_id", experimentIds),
            query.ViewType switch
            {
                ViewType.ACTIVE_ONLY => "r.lifecycle_stage = 'active'",
                ViewType.DELETED_ONLY => "r.lifecycle_stage = 'deleted'",
                _ => "r.lifecycle_stage IN ('active', 'deleted')",
            },
        };
        where.AddRange(FilterConditions(sql, query.Filter));
        var sortKey = RunSortKey(sql, joins, query.OrderBy);
        var order = OrderSignature(query.OrderBy);

        // A cursor of the same ordering seeks past the last row seen; otherwise the offset counts rows.
        var cursor = query.Cursor;
        var seek = cursor.After is { } after && cursor.Order == order && after.Count == sortKey.Count;
        if (seek)
        {
            where.Add(After(sql, sortKey, cursor.After!));
        }

        var text = $"""
            SELECT r.id, {string.Join(", ", sortKey.Select(k => k.Expression))} FROM runs r {joins}
            WHERE {string.Join(" AND ", where)}
            ORDER BY {string.Join(", ", sortKey.Select(k => $"{k.Expression} {(k.Ascending ? "ASC" : "DESC")}"))}
            LIMIT {sql.Bind(query.MaxResults)} OFFSET {sql.Bind(seek ? 0 : cursor.Offset)}
            """;
        return new RunPageQuery(text, sortKey.Count, order, seek);
    }

    /// <summary>Reads the page's run keys and the last row's sort key from the reader of <see cref="PageQuery"/>.</summary>
    public static async Task<(List<long> Ids, object[] Last)> ReadPageAsync(DbDataReader reader, RunPageQuery page, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        object[] last = [];
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
            last = new object[page.SortKeyCount];
            for (var i = 0; i < last.Length; i++)
            {
                last[i] = reader.GetValue(i + 1);
            }
        }

        return (ids, last);
    }

    /// <summary>MLflow hands out a token whenever the page is full, so the last page may be empty.</summary>
    public static string? NextToken(RunQuery query, RunPageQuery page, int count, object[] last) =>
        count == query.MaxResults ? PageToken.Encode(new PageCursor(query.Cursor.Offset + query.MaxResults, last, page.Order)) : null;

    private sealed record SortComponent(string Expression, bool Ascending);

    /// <summary>
    /// MLflow's order as never-null components: each requested term (rows lacking the key last in either direction;
    /// for metrics NaN just before them), then start_time DESC unless already ordered, then run_id ASC.
    /// </summary>
    private static List<SortComponent> RunSortKey(FilterSql sql, StringBuilder joins, IReadOnlyList<OrderByTerm> terms)
    {
        var key = new List<SortComponent>();
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i];
            var alias = "o" + i.ToString(CultureInfo.InvariantCulture);
            switch (term.Entity)
            {
                case EntityType.Metric:
                    joins.Append(CultureInfo.InvariantCulture, $" LEFT JOIN latest_metrics {alias} ON {alias}.run_id = r.id AND {alias}.key = {sql.Bind(term.Key)}");
                    key.Add(new(sql.IsNull($"{alias}.run_id"), true));
                    key.Add(new($"coalesce({alias}.is_nan, 0)", true));
                    key.Add(new($"coalesce({alias}.value, 0)", term.Ascending));
                    break;
                case EntityType.Param or EntityType.Tag:
                    var table = term.Entity == EntityType.Param ? "params" : "tags";
                    joins.Append(CultureInfo.InvariantCulture, $" LEFT JOIN {table} {alias} ON {alias}.run_id = r.id AND {alias}.key = {sql.Bind(term.Key)}");
                    key.Add(new(sql.IsNull($"{alias}.value"), true));
                    key.Add(new($"coalesce({alias}.value, '')", term.Ascending));
                    break;
                default:
                    var column = RunColumn(term.Key);
                    var empty = term.Key is "start_time" or "end_time" ? "0" : "''";
                    key.Add(new(sql.IsNull(column), true));
                    key.Add(new($"coalesce({column}, {empty})", term.Ascending));
                    break;
            }
        }

        if (!terms.Any(t => t.Entity == EntityType.Attribute && t.Key == "start_time"))
        {
            key.Add(new("r.start_time", false));
        }

        key.Add(new("r.run_uuid", true));
        return key;
    }

    /// <summary>
    /// Rows strictly after the given sort key: (k0 after v0) or (k0 = v0 and k1 after v1) or ...; the redundant
    /// leading bound on k0 lets an index on it seek instead of scanning to the cursor.
    /// </summary>
    private static string After(FilterSql sql, List<SortComponent> key, IReadOnlyList<object> values)
    {
        var bound = $"{key[0].Expression} {(key[0].Ascending ? ">=" : "<=")} {sql.Bind(values[0])}";
        var alternatives = new List<string>();
        for (var i = 0; i < key.Count; i++)
        {
            var equal = Enumerable.Range(0, i).Select(j => $"{key[j].Expression} = {sql.Bind(values[j])}");
            var beyond = $"{key[i].Expression} {(key[i].Ascending ? ">" : "<")} {sql.Bind(values[i])}";
            alternatives.Add("(" + string.Join(" AND ", equal.Append(beyond)) + ")");
        }

        return $"{bound} AND (" + string.Join(" OR ", alternatives) + ")";
    }

    // Names the ordering a cursor belongs to, so that a token is never applied to a different order_by.
    private static string OrderSignature(IReadOnlyList<OrderByTerm> terms)
    {
        var text = string.Join("|", terms.Select(t => $"{t.Entity}:{t.Key}:{t.Ascending}"));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 6);
    }

    /// <summary>
    /// A clause on a metric, param, tag or dataset is a lookup in that table. The one likely to match fewest runs is a
    /// set of run ids read through its (key, value) index, which the search walks; every other is a probe of the run at
    /// hand through its (run_id, key) key. Two id sets would be built whole and intersected, which costs twice as much.
    /// </summary>
    private static IEnumerable<string> FilterConditions(FilterSql sql, IReadOnlyList<FilterClause> clauses)
    {
        var lookups = clauses.Where(c => c.Entity != EntityType.Attribute).OrderBy(LikelyMatches).ToList();
        for (var i = 0; i < lookups.Count; i++)
        {
            var (runId, body) = Lookup(sql, lookups[i]);
            yield return i == 0 ? $"r.id IN (SELECT {runId} {body})" : $"EXISTS (SELECT 1 {body} AND {runId} = r.id)";
        }

        foreach (var clause in clauses.Where(c => c.Entity == EntityType.Attribute))
        {
            yield return sql.Compare(RunColumn(clause.Key), clause.Operator, clause.Value);
        }
    }

    // Equality picks out a value, a range or pattern a span of them, a negation nearly everything.
    private static int LikelyMatches(FilterClause clause) => clause.Operator switch
    {
        ComparisonOperator.Equal or ComparisonOperator.In => 0,
        ComparisonOperator.NotEqual or ComparisonOperator.NotIn => 2,
        _ => 1,
    };

    // The run-id column and the FROM ... WHERE ... of a clause's lookup.
    private static (string RunId, string Body) Lookup(FilterSql sql, FilterClause clause) => clause.Entity switch
    {
        EntityType.Metric when clause.Operator == ComparisonOperator.NotEqual =>
            ("run_id", $"FROM latest_metrics WHERE key = {sql.Bind(clause.Key)} AND (is_nan = 1 OR {sql.Compare("value", clause.Operator, clause.Value)})"),
        // NaN compares with nothing, so it never satisfies an ordering or equality.
        EntityType.Metric =>
            ("run_id", $"FROM latest_metrics WHERE key = {sql.Bind(clause.Key)} AND is_nan = 0 AND {sql.Compare("value", clause.Operator, clause.Value)}"),
        EntityType.Param =>
            ("run_id", $"FROM params WHERE key = {sql.Bind(clause.Key)} AND {sql.CompareValue("value", clause.Operator, clause.Value)}"),
        EntityType.Tag =>
            ("run_id", $"FROM tags WHERE key = {sql.Bind(clause.Key)} AND {sql.CompareValue("value", clause.Operator, clause.Value)}"),
        EntityType.Dataset when clause.Key == "context" =>
            ("run_id", $"FROM input_tags WHERE key = 'mlflow.data.context' AND {sql.Compare("value", clause.Operator, clause.Value)}"),
        _ => ("i.run_id", $"FROM inputs i JOIN datasets d ON d.dataset_id = i.dataset_id WHERE "
            + sql.Compare(clause.Key == "digest" ? "d.digest" : "d.name", clause.Operator, clause.Value)),
    };

    private static string RunColumn(string attribute) => attribute switch
    {
        "run_id" => "r.run_uuid",
        "run_name" => "r.name",
        "user_id" => "r.user_id",
        "status" => "r.status",
        "artifact_uri" => "r.artifact_uri",
        "start_time" => "r.start_time",
        "end_time" => "r.end_time",
        _ => throw MlflowException.InvalidParameter($"Invalid attribute key '{attribute}' specified."),
    };
}
