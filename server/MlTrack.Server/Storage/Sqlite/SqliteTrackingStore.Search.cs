using Dapper;
using MlTrack.Server.Domain;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteTrackingStore
{
    public async Task<Page<Experiment>> SearchExperimentsAsync(ExperimentQuery query, CancellationToken cancellationToken)
    {
        var sql = new SqliteFilterSql();
        var text = SearchSql.Experiments(sql, query);
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ExperimentRow>(new CommandDefinition(text, sql.Parameters, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(query.MaxResults).ToList();
        var tags = await ReadExperimentTagsAsync(connection, [.. page.Select(r => r.ExperimentId)], cancellationToken);
        return new Page<Experiment>(
            [.. page.Select(r => r.ToExperiment(tags))],
            SearchSql.NextToken(query.Offset, query.MaxResults, rows.Count));
    }
}
