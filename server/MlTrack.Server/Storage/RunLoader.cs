using System.Data.Common;
using Dapper;
using MlTrack.Server.Domain;

namespace MlTrack.Server.Storage;

/// <summary>
/// Loads the params, tags, latest metrics and inputs of a page of runs with one query per table, on any dialect:
/// <paramref name="inRuns"/> is the dialect's "run_id is one of @ids" and <paramref name="ids"/> binds @ids.
/// </summary>
internal static class RunLoader
{
    public static async Task<IReadOnlyList<Run>> LoadAsync(
        DbConnection connection, List<RunRow> rows, Func<string, string> inRuns, object ids, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var parameters = await ReadByRunAsync(connection, $"SELECT run_id, key, value FROM params WHERE {inRuns("run_id")} ORDER BY run_id, key",
            ids, static r => new KeyValue(r.GetString(1), r.GetString(2)), cancellationToken);
        var tags = await ReadByRunAsync(connection, $"SELECT run_id, key, value FROM tags WHERE {inRuns("run_id")} ORDER BY run_id, key",
            ids, static r => new KeyValue(r.GetString(1), r.GetString(2)), cancellationToken);
        var metrics = await ReadByRunAsync(connection,
            $"SELECT run_id, key, value, timestamp, step, is_nan FROM latest_metrics WHERE {inRuns("run_id")} ORDER BY run_id, key", ids,
            static r => new Metric(r.GetString(1), r.GetInt32(5) != 0 ? double.NaN : r.GetDouble(2), r.GetInt64(3), r.GetInt64(4)),
            cancellationToken);
        var inputs = await LoadInputsAsync(connection, inRuns, ids, cancellationToken);

        return [.. rows.Select(r => new Run(
            r.ToInfo(),
            new RunData(metrics.GetValueOrDefault(r.Id, []), parameters.GetValueOrDefault(r.Id, []), tags.GetValueOrDefault(r.Id, [])),
            new RunInputs([.. inputs[r.Id]])))];
    }

    // Rows whose first column is the run id, grouped by run in their order. Read column by column rather than
    // through Dapper, which boxes every value: tens of thousands of rows on a page of 1,000 runs.
    private static async Task<Dictionary<long, List<T>>> ReadByRunAsync<T>(
        DbConnection connection, string sql, object ids, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var byRun = new Dictionary<long, List<T>>();
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, ids, cancellationToken: cancellationToken));
        List<T>? current = null;
        var currentRun = 0L;
        while (await reader.ReadAsync(cancellationToken))
        {
            var run = reader.GetInt64(0);
            if (current is null || run != currentRun)
            {
                current = byRun.TryGetValue(run, out var existing) ? existing : byRun[run] = [];
                currentRun = run;
            }

            current.Add(read(reader));
        }

        return byRun;
    }

    private static async Task<ILookup<long, DatasetInput>> LoadInputsAsync(
        DbConnection connection, Func<string, string> inRuns, object ids, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<(long RunId, long DatasetId, string Name, string Digest, string SourceType, string Source,
            string? Schema, string? Profile)>(new CommandDefinition(
            $"""
            SELECT i.run_id, d.dataset_id, d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, d.dataset_profile
            FROM inputs i JOIN datasets d ON d.dataset_id = i.dataset_id
            WHERE {inRuns("i.run_id")} ORDER BY i.run_id, d.dataset_id
            """, ids, cancellationToken: cancellationToken))).ToList();
        if (rows.Count == 0)
        {
            return Array.Empty<DatasetInput>().ToLookup(_ => 0L);
        }

        var tags = (await connection.QueryAsync<(long RunId, long DatasetId, string Key, string Value)>(new CommandDefinition(
            $"SELECT run_id, dataset_id, key, value FROM input_tags WHERE {inRuns("run_id")} ORDER BY key", ids, cancellationToken: cancellationToken)))
            .ToLookup(t => (t.RunId, t.DatasetId), t => new KeyValue(t.Key, t.Value));
        return rows.ToLookup(r => r.RunId, r => new DatasetInput(
            [.. tags[(r.RunId, r.DatasetId)]], new Dataset(r.Name, r.Digest, r.SourceType, r.Source, r.Schema, r.Profile)));
    }
}
