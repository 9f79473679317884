using Dapper;
using MlTrack.Server.Domain;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteTrackingStore
{
    public async Task<Page<Run>> SearchRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        var experimentIds = RunSearchSql.ExperimentKeys(query.ExperimentIds);
        if (experimentIds.Count == 0)
        {
            return new Page<Run>([], null);
        }

        // Ids and sort keys first, sorted and cut to the page on narrow rows, then the page's runs.
        var sql = new SqliteFilterSql();
        var page = RunSearchSql.PageQuery(sql, query, experimentIds);
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        List<long> ids;
        object[] last;
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(page.Text, sql.Parameters, cancellationToken: cancellationToken)))
        {
            (ids, last) = await RunSearchSql.ReadPageAsync(reader, page, cancellationToken);
        }

        var rows = (await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"SELECT {RunColumns} FROM runs r WHERE r.id IN (SELECT value FROM json_each(@ids))",
            new { ids = System.Text.Json.JsonSerializer.Serialize(ids) }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Id);
        var runs = await LoadRunsAsync(connection, [.. ids.Select(id => rows[id])], cancellationToken);
        return new Page<Run>(runs, RunSearchSql.NextToken(query, page, runs.Count, last));
    }
}
