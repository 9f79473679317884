using System.Runtime.CompilerServices;
using Dapper;
using SQLitePCL;
using MlTrack.Server.Domain;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteTrackingStore
{
    /// <summary>Most points returned per run by get-history-bulk-interval (MLflow's MAX_RESULTS_GET_METRIC_HISTORY).</summary>
    private const int MaxBulkPointsPerRun = 25_000;

    /// <summary>Points per chunk of a history read: big enough that per-chunk costs vanish, small enough to stay in cache.</summary>
    private const int HistoryChunk = 4096;

    public async IAsyncEnumerable<ArraySegment<MetricPoint>> GetMetricHistoryAsync(
        string runId, string key, int offset, int? limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var connection = _db.OpenRawReader();
        using var statement = SqliteRaw.Prepare(connection.Handle, """
            SELECT m.timestamp, m.step, m.value, m.is_nan FROM metrics m
            WHERE m.run_id = (SELECT id FROM runs WHERE run_uuid = ?1) AND m.key_id = (SELECT id FROM metric_keys WHERE key = ?2)
            ORDER BY m.timestamp, m.step, m.value
            LIMIT ?3 OFFSET ?4
            """);
        raw.sqlite3_bind_text(statement, 1, runId);
        raw.sqlite3_bind_text(statement, 2, key);
        raw.sqlite3_bind_int64(statement, 3, limit ?? -1);
        raw.sqlite3_bind_int64(statement, 4, offset);
        var chunk = new MetricPoint[HistoryChunk];
        while (true)
        {
            var count = ReadChunk(connection.Handle, statement, chunk);
            if (count > 0)
            {
                yield return new ArraySegment<MetricPoint>(chunk, 0, count);
            }

            if (count < chunk.Length)
            {
                yield break;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Steps up to a chunk's worth of (timestamp, step, value, is_nan) rows into <paramref name="chunk"/>.</summary>
    private static int ReadChunk(sqlite3 connection, sqlite3_stmt statement, MetricPoint[] chunk)
    {
        var handle = statement.DangerousGetHandle();
        var count = 0;
        while (count < chunk.Length && SqliteRaw.Step(connection, handle))
        {
            var value = SqliteNative.sqlite3_column_int64(handle, 3) != 0 ? double.NaN : SqliteNative.sqlite3_column_double(handle, 2);
            chunk[count++] = new MetricPoint(SqliteNative.sqlite3_column_int64(handle, 0), SqliteNative.sqlite3_column_int64(handle, 1), value);
        }

        return count;
    }

    public async Task<IReadOnlyList<MetricWithRunId>> GetMetricHistoryBulkIntervalAsync(
        IReadOnlyList<string> runIds, string key, long? startStep, long? endStep, int maxResults, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var stepsByRun = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var runId in runIds.Distinct(StringComparer.Ordinal))
        {
            stepsByRun[runId] = (await connection.QueryAsync<long>(new CommandDefinition(
                """
                SELECT DISTINCT step FROM metrics
                WHERE run_id = (SELECT id FROM runs WHERE run_uuid = @runId) AND key_id = (SELECT id FROM metric_keys WHERE key = @key)
                ORDER BY step
                """, new { runId, key }, cancellationToken: cancellationToken))).ToList();
        }

        var steps = MetricSampling.SampleSteps(stepsByRun.Values.ToList(), startStep, endStep, maxResults);
        var stepsJson = System.Text.Json.JsonSerializer.Serialize(steps);
        var result = new List<MetricWithRunId>();
        // A run listed twice is answered twice, as MLflow does.
        foreach (var runId in runIds)
        {
            var points = await connection.QueryAsync<(long Timestamp, long Step, double Value, bool IsNan)>(new CommandDefinition(
                """
                SELECT timestamp, step, value, is_nan FROM metrics
                WHERE run_id = (SELECT id FROM runs WHERE run_uuid = @runId) AND key_id = (SELECT id FROM metric_keys WHERE key = @key)
                    AND step IN (SELECT value FROM json_each(@steps))
                ORDER BY step, timestamp, value LIMIT @limit
                """, new { runId, key, steps = stepsJson, limit = MaxBulkPointsPerRun }, cancellationToken: cancellationToken));
            result.AddRange(points.Select(p => new MetricWithRunId(key, p.IsNan ? double.NaN : p.Value, p.Timestamp, p.Step, runId)));
        }

        return result;
    }
}
