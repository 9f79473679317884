using System.Data;
using System.Runtime.CompilerServices;
using Dapper;
using MlTrack.Server.Domain;
using Npgsql;

namespace MlTrack.Server.Storage.Postgres;

internal sealed partial class PostgresTrackingStore
{
    /// <summary>Most points returned per run by get-history-bulk-interval (MLflow's MAX_RESULTS_GET_METRIC_HISTORY).</summary>
    private const int MaxBulkPointsPerRun = 25_000;

    /// <summary>Points per chunk of a history read.</summary>
    private const int HistoryChunk = 4096;

    public async IAsyncEnumerable<ArraySegment<MetricPoint>> GetMetricHistoryAsync(
        string runId, string key, int offset, int? limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT m.timestamp, m.step, m.value, m.is_nan FROM metrics m
            WHERE m.run_id = (SELECT id FROM runs WHERE run_uuid = @runId) AND m.key = @key
            ORDER BY m.timestamp, m.step, m.value
            LIMIT @limit OFFSET @offset
            """, connection);
        command.Parameters.AddWithValue("runId", runId);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("limit", limit is null ? DBNull.Value : (long)limit.Value);
        command.Parameters.AddWithValue("offset", (long)offset);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        var chunk = new MetricPoint[HistoryChunk];
        var count = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var timestamp = reader.GetInt64(0);
            var step = reader.GetInt64(1);
            var value = reader.GetDouble(2);
            chunk[count++] = new MetricPoint(timestamp, step, reader.GetInt32(3) != 0 ? double.NaN : value);
            if (count == chunk.Length)
            {
                yield return new ArraySegment<MetricPoint>(chunk, 0, count);
                count = 0;
            }
        }

        if (count > 0)
        {
            yield return new ArraySegment<MetricPoint>(chunk, 0, count);
        }
    }

    public async Task<IReadOnlyList<MetricWithRunId>> GetMetricHistoryBulkIntervalAsync(
        IReadOnlyList<string> runIds, string key, long? startStep, long? endStep, int maxResults, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var distinct = runIds.Distinct(StringComparer.Ordinal).ToArray();
        var stepRows = await connection.QueryAsync<(string RunId, long Step)>(new CommandDefinition(
            """
            SELECT DISTINCT r.run_uuid, m.step FROM metrics m JOIN runs r ON r.id = m.run_id
            WHERE r.run_uuid = ANY(@runIds) AND m.key = @key ORDER BY r.run_uuid, m.step
            """, new { runIds = distinct, key }, cancellationToken: cancellationToken));
        var stepsByRun = stepRows.ToLookup(s => s.RunId, s => s.Step, StringComparer.Ordinal);
        var steps = MetricSampling.SampleSteps([.. distinct.Select(id => stepsByRun[id].ToList())], startStep, endStep, maxResults);
        var result = new List<MetricWithRunId>();
        // A run listed twice is answered twice, as MLflow does.
        foreach (var runId in runIds)
        {
            var points = await connection.QueryAsync<(long Timestamp, long Step, double Value, int IsNan)>(new CommandDefinition(
                """
                SELECT timestamp, step, value, is_nan FROM metrics
                WHERE run_id = (SELECT id FROM runs WHERE run_uuid = @runId) AND key = @key AND step = ANY(@steps)
                ORDER BY step, timestamp, value LIMIT @limit
                """, new { runId, key, steps = steps.ToArray(), limit = MaxBulkPointsPerRun }, cancellationToken: cancellationToken));
            result.AddRange(points.Select(p => new MetricWithRunId(key, p.IsNan != 0 ? double.NaN : p.Value, p.Timestamp, p.Step, runId)));
        }

        return result;
    }
}
