using System.Globalization;
using System.Text;
using Dapper;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using MlTrack.Server.Search;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteTrackingStore
{
    public async Task<Page<Run>> SearchRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        var experimentIds = query.ExperimentIds.Select(id => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(id => id >= 0).Distinct().ToList();
        if (experimentIds.Count == 0)
        {
            return new Page<Run>([], null);
        }

        var sql = new SqliteFilterSql();
        var joins = new StringBuilder();
        var where = new List<string>
        {
            experimentIds.Count == 1
                ? $"r.experiment_id = {sql.Bind(experimentIds[0])}"
                : $"r.experiment_id IN (SELECT value FROM json_each({sql.Bind(System.Text.Json.JsonSerializer.Serialize(experimentIds))}))",
            query.ViewType switch
            {
                ViewType.ACTIVE_ONLY => "r.lifecycle_stage = 'active'",
                ViewType.DELETED_ONLY => "r.lifecycle_stage = 'deleted'",
                _ => "r.lifecycle_stage IN ('active', 'deleted')",
            },
        };
        where.AddRange(query.Filter.Select(clause => RunClause(sql, clause)));
        var orderBy = RunOrderBy(sql, joins, query.OrderBy);

        // Ids first, sorted and cut to the page on the narrowest rows (a covering index for the default order),
        // then the page's rows: OFFSET never reads the rows it skips.
        var text = $"""
            SELECT r.id FROM runs r {joins}
            WHERE {string.Join(" AND ", where)}
            ORDER BY {orderBy}
            LIMIT {sql.Bind(query.MaxResults)} OFFSET {sql.Bind(query.Offset)}
            """;
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var ids = (await connection.QueryAsync<long>(new CommandDefinition(text, sql.Parameters, cancellationToken: cancellationToken))).ToList();
        var rows = (await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"SELECT {RunColumns} FROM runs r WHERE r.id IN (SELECT value FROM json_each(@ids))",
            new { ids = System.Text.Json.JsonSerializer.Serialize(ids) }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Id);
        var runs = await LoadRunsAsync(connection, [.. ids.Select(id => rows[id])], cancellationToken);
        // MLflow hands out a token whenever the page is full, so the last page may be empty.
        return new Page<Run>(runs, runs.Count == query.MaxResults ? PageToken.Encode(query.Offset + query.MaxResults) : null);
    }

    public async Task<Page<Experiment>> SearchExperimentsAsync(ExperimentQuery query, CancellationToken cancellationToken)
    {
        var sql = new SqliteFilterSql();
        var where = new List<string>
        {
            query.ViewType switch
            {
                ViewType.ACTIVE_ONLY => "e.lifecycle_stage = 'active'",
                ViewType.DELETED_ONLY => "e.lifecycle_stage = 'deleted'",
                _ => "1 = 1",
            },
        };
        where.AddRange(query.Filter.Select(clause => clause.Entity == EntityType.Tag
            ? $"EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = {sql.Bind(clause.Key)} AND "
              + $"{sql.Compare("t.value", clause.Operator, clause.Value)})"
            : sql.Compare(ExperimentColumn(clause.Key), clause.Operator, clause.Value)));

        var order = query.OrderBy.Select(t => $"{ExperimentColumn(t.Key)} {(t.Ascending ? "ASC" : "DESC")}").ToList();
        if (order.Count == 0)
        {
            order.Add("e.creation_time DESC");
        }

        if (!query.OrderBy.Any(t => t.Key == "experiment_id"))
        {
            order.Add("e.experiment_id ASC");
        }

        // One row more than asked tells whether another page exists.
        var text = $"""
            SELECT {ExperimentColumns} FROM experiments e
            WHERE {string.Join(" AND ", where)}
            ORDER BY {string.Join(", ", order)}
            LIMIT {sql.Bind(query.MaxResults + 1)} OFFSET {sql.Bind(query.Offset)}
            """;
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ExperimentRow>(new CommandDefinition(text, sql.Parameters, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(query.MaxResults).ToList();
        var tags = await ReadExperimentTagsAsync(connection, [.. page.Select(r => r.ExperimentId)], cancellationToken);
        return new Page<Experiment>(
            [.. page.Select(r => r.ToExperiment(tags))],
            rows.Count > query.MaxResults ? PageToken.Encode(query.Offset + query.MaxResults) : null);
    }

    private static string ExperimentColumn(string key) => key switch
    {
        "name" => "e.name",
        "experiment_id" => "e.experiment_id",
        "creation_time" => "e.creation_time",
        "last_update_time" => "e.last_update_time",
        _ => throw MlflowException.InvalidParameter($"Invalid attribute key '{key}' specified."),
    };

    // Each clause on a metric, param, tag or dataset is a set of run ids found through its (key, value) index,
    // so a selective clause narrows the search instead of probing every run of the experiment.
    private static string RunClause(SqliteFilterSql sql, FilterClause clause) => clause.Entity switch
    {
        EntityType.Metric when clause.Operator == ComparisonOperator.NotEqual =>
            $"r.id IN (SELECT run_id FROM latest_metrics WHERE key = {sql.Bind(clause.Key)} AND "
            + $"(is_nan = 1 OR {sql.Compare("value", clause.Operator, clause.Value)}))",
        // NaN compares with nothing, so it never satisfies an ordering or equality.
        EntityType.Metric =>
            $"r.id IN (SELECT run_id FROM latest_metrics WHERE key = {sql.Bind(clause.Key)} AND is_nan = 0 AND "
            + $"{sql.Compare("value", clause.Operator, clause.Value)})",
        EntityType.Param =>
            $"r.id IN (SELECT run_id FROM params WHERE key = {sql.Bind(clause.Key)} AND {sql.Compare("value", clause.Operator, clause.Value)})",
        EntityType.Tag =>
            $"r.id IN (SELECT run_id FROM tags WHERE key = {sql.Bind(clause.Key)} AND {sql.Compare("value", clause.Operator, clause.Value)})",
        EntityType.Dataset when clause.Key == "context" =>
            $"r.id IN (SELECT run_id FROM input_tags WHERE key = 'mlflow.data.context' AND {sql.Compare("value", clause.Operator, clause.Value)})",
        EntityType.Dataset =>
            $"r.id IN (SELECT i.run_id FROM inputs i JOIN datasets d ON d.dataset_id = i.dataset_id WHERE "
            + $"{sql.Compare(clause.Key == "digest" ? "d.digest" : "d.name", clause.Operator, clause.Value)})",
        _ => sql.Compare(RunColumn(clause.Key), clause.Operator, clause.Value),
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
        "lifecycle_stage" => "r.lifecycle_stage",
        _ => throw MlflowException.InvalidParameter($"Invalid attribute key '{attribute}' specified."),
    };

    /// <summary>
    /// MLflow's order: the requested terms (rows lacking the key last, in either direction; for metrics NaN just
    /// before them), then start_time DESC unless already ordered, then run_id ASC.
    /// </summary>
    private static string RunOrderBy(SqliteFilterSql sql, StringBuilder joins, IReadOnlyList<OrderByTerm> terms)
    {
        var order = new List<string>();
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i];
            var direction = term.Ascending ? "ASC" : "DESC";
            var alias = "o" + i.ToString(CultureInfo.InvariantCulture);
            switch (term.Entity)
            {
                case EntityType.Metric:
                    joins.Append(CultureInfo.InvariantCulture, $" LEFT JOIN latest_metrics {alias} ON {alias}.run_id = r.id AND {alias}.key = {sql.Bind(term.Key)}");
                    order.Add($"{alias}.run_id IS NULL, {alias}.is_nan, {alias}.value {direction}");
                    break;
                case EntityType.Param or EntityType.Tag:
                    var table = term.Entity == EntityType.Param ? "params" : "tags";
                    joins.Append(CultureInfo.InvariantCulture, $" LEFT JOIN {table} {alias} ON {alias}.run_id = r.id AND {alias}.key = {sql.Bind(term.Key)}");
                    order.Add($"{alias}.value IS NULL, {alias}.value {direction}");
                    break;
                default:
                    var column = RunColumn(term.Key);
                    order.Add($"{column} IS NULL, {column} {direction}");
                    break;
            }
        }

        if (!terms.Any(t => t.Entity == EntityType.Attribute && t.Key == "start_time"))
        {
            order.Add("r.start_time DESC");
        }

        order.Add("r.run_uuid ASC");
        return string.Join(", ", order);
    }
}
