using Dapper;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using MlTrack.Server.Search;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteTrackingStore
{
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
}
