using System.Runtime.CompilerServices;
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

    public Task<IReadOnlyList<MetricWithRunId>> GetMetricHistoryBulkIntervalAsync(
        IReadOnlyList<string> runIds, string key, long? startStep, long? endStep, int maxResults, CancellationToken cancellationToken)
    {
        using var connection = _db.OpenRawReader();
        var stepsByRun = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var runId in runIds.Distinct(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            stepsByRun[runId] = ReadDistinctSteps(connection.Handle, runId, key);
        }

        var wanted = MetricSampling.SampleSteps(stepsByRun.Values.ToList(), startStep, endStep, maxResults).ToHashSet();
        var result = new List<MetricWithRunId>();
        // A run listed twice is answered twice, as MLflow does.
        foreach (var runId in runIds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.AddRange(ReadPointsAtSteps(connection.Handle, runId, key, wanted).Select(p => new MetricWithRunId(key, p.Value, p.Timestamp, p.Step, runId)));
        }

        return Task.FromResult<IReadOnlyList<MetricWithRunId>>(result);
    }

    /// <summary>
    /// A run's distinct steps of one metric, ascending. The primary key orders points by timestamp, not step, so SQL's
    /// DISTINCT ... ORDER BY step builds a temporary B-tree over every point; a plain covering scan sorted here is several
    /// times faster on long histories (1,000,000 points).
    /// </summary>
    private static List<long> ReadDistinctSteps(sqlite3 connection, string runId, string key)
    {
        using var statement = SqliteRaw.Prepare(connection, """
            SELECT step FROM metrics
            WHERE run_id = (SELECT id FROM runs WHERE run_uuid = ?1) AND key_id = (SELECT id FROM metric_keys WHERE key = ?2)
            """);
        raw.sqlite3_bind_text(statement, 1, runId);
        raw.sqlite3_bind_text(statement, 2, key);
        var handle = statement.DangerousGetHandle();
        var steps = new List<long>();
        while (SqliteRaw.Step(connection, handle))
        {
            steps.Add(SqliteNative.sqlite3_column_int64(handle, 0));
        }

        steps.Sort();
        var distinct = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            if (distinct == 0 || steps[i] != steps[distinct - 1])
            {
                steps[distinct++] = steps[i];
            }
        }

        steps.RemoveRange(distinct, steps.Count - distinct);
        return steps;
    }

    /// <summary>
    /// A run's points of one metric at the sampled steps, ordered by step, timestamp and value, at most
    /// <see cref="MaxBulkPointsPerRun"/>: one covering scan filtered here (an IN over the steps cannot use the
    /// timestamp-ordered primary key either, and probing it per row costs more than a hash set).
    /// </summary>
    private static List<MetricPoint> ReadPointsAtSteps(sqlite3 connection, string runId, string key, HashSet<long> steps)
    {
        using var statement = SqliteRaw.Prepare(connection, """
            SELECT timestamp, step, value, is_nan FROM metrics
            WHERE run_id = (SELECT id FROM runs WHERE run_uuid = ?1) AND key_id = (SELECT id FROM metric_keys WHERE key = ?2)
            """);
        raw.sqlite3_bind_text(statement, 1, runId);
        raw.sqlite3_bind_text(statement, 2, key);
        var handle = statement.DangerousGetHandle();
        var points = new List<(long Step, long Timestamp, double Stored, bool IsNan)>();
        while (SqliteRaw.Step(connection, handle))
        {
            var step = SqliteNative.sqlite3_column_int64(handle, 1);
            if (steps.Contains(step))
            {
                points.Add((step, SqliteNative.sqlite3_column_int64(handle, 0), SqliteNative.sqlite3_column_double(handle, 2),
                    SqliteNative.sqlite3_column_int64(handle, 3) != 0));
            }
        }

        // SQL's ORDER BY step, timestamp, value on the stored value (a NaN is stored with is_nan set).
        points.Sort((a, b) => a.Step != b.Step ? a.Step.CompareTo(b.Step) : a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : a.Stored.CompareTo(b.Stored));
        return points.Take(MaxBulkPointsPerRun).Select(p => new MetricPoint(p.Timestamp, p.Step, p.IsNan ? double.NaN : p.Stored)).ToList();
    }
}
