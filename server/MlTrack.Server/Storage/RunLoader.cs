using System.Data.Common;
using Dapper;
using MlTrack.Server.Domain;

namespace MlTrack.Server.Storage;

/// <summary>
/// Loads the params, tags, latest metrics and inputs of a page of runs with one query per table, on any dialect
/// (<see cref="RunPageRows"/>).
/// </summary>
internal static class RunLoader
{
    public static async Task<IReadOnlyList<Run>> LoadAsync(RunPageRows page, List<RunRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var parameters = await page.KeyValuesAsync(
            $"SELECT run_id, key, value FROM params WHERE {page.InRuns("run_id")} ORDER BY run_id, key", cancellationToken);
        var tags = await page.KeyValuesAsync($"SELECT run_id, key, value FROM tags WHERE {page.InRuns("run_id")} ORDER BY run_id, key", cancellationToken);
        var metrics = await page.MetricsAsync(
            $"SELECT run_id, key, value, timestamp, step, is_nan FROM latest_metrics WHERE {page.InRuns("run_id")} ORDER BY run_id, key",
            cancellationToken);
        var inputs = await LoadInputsAsync(page.Connection, page.InRuns, page.Ids, cancellationToken);

        return [.. rows.Select(r => new Run(
            r.ToInfo(),
            new RunData(metrics.GetValueOrDefault(r.Id, []), parameters.GetValueOrDefault(r.Id, []), tags.GetValueOrDefault(r.Id, [])),
            new RunInputs([.. inputs[r.Id]])))];
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
