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
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        using var statement = SqliteRaw.Prepare(connection, """
            SELECT m.timestamp, m.step, m.value, m.is_nan FROM metrics m
            WHERE m.run_id = (SELECT id FROM runs WHERE run_uuid = ?1) AND m.key = ?2
            ORDER BY m.timestamp, m.step, m.value
            LIMIT ?3 OFFSET ?4
            """);
        raw.sqlite3_bind_text(statement, 1, runId);
        raw.sqlite3_bind_text(statement, 2, key);
        raw.sqlite3_bind_int64(statement, 3, limit ?? -1);
        raw.sqlite3_bind_int64(statement, 4, offset);
        var chunk = new MetricPoint[HistoryChunk];
        var count = 0;
        while (SqliteRaw.Step(connection, statement))
        {
            var value = raw.sqlite3_column_int64(statement, 3) != 0 ? double.NaN : raw.sqlite3_column_double(statement, 2);
            chunk[count++] = new MetricPoint(raw.sqlite3_column_int64(statement, 0), raw.sqlite3_column_int64(statement, 1), value);
            if (count == chunk.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
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
        var stepsByRun = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var runId in runIds.Distinct(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            stepsByRun[runId] = ReadDistinctSteps(connection, runId, key);
        }

        var steps = MetricSampling.SampleSteps(stepsByRun.Values.ToList(), startStep, endStep, maxResults);
        var wanted = steps.ToHashSet();
        var result = new List<MetricWithRunId>();
        // A run listed twice is answered twice, as MLflow does.
        foreach (var runId in runIds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.AddRange(ReadPointsAtSteps(connection, runId, key, wanted).Select(p => new MetricWithRunId(key, p.Value, p.Timestamp, p.Step, runId)));
        }

        return result;
    }

    /// <summary>
    /// A run's distinct steps of one metric, ascending. The primary key orders points by timestamp, not step, so SQL's
    /// DISTINCT ... ORDER BY step builds a temporary B-tree over every point; a plain covering scan sorted here is several
    /// times faster on long histories (1,000,000 points: the chart's sampled history is read in well under a second).
    /// </summary>
    private static List<long> ReadDistinctSteps(Microsoft.Data.Sqlite.SqliteConnection connection, string runId, string key)
    {
        using var statement = SqliteRaw.Prepare(connection, """
            SELECT step FROM metrics WHERE run_id = (SELECT id FROM runs WHERE run_uuid = ?1) AND key = ?2
            """);
        raw.sqlite3_bind_text(statement, 1, runId);
        raw.sqlite3_bind_text(statement, 2, key);
        var steps = new List<long>();
        while (SqliteRaw.Step(connection, statement))
        {
            steps.Add(raw.sqlite3_column_int64(statement, 0));
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
    private static List<MetricPoint> ReadPointsAtSteps(Microsoft.Data.Sqlite.SqliteConnection connection, string runId, string key, HashSet<long> steps)
    {
        using var statement = SqliteRaw.Prepare(connection, """
            SELECT timestamp, step, value, is_nan FROM metrics WHERE run_id = (SELECT id FROM runs WHERE run_uuid = ?1) AND key = ?2
            """);
        raw.sqlite3_bind_text(statement, 1, runId);
        raw.sqlite3_bind_text(statement, 2, key);
        var points = new List<(long Step, long Timestamp, double Stored, bool IsNan)>();
        while (SqliteRaw.Step(connection, statement))
        {
            var step = raw.sqlite3_column_int64(statement, 1);
            if (steps.Contains(step))
            {
                points.Add((step, raw.sqlite3_column_int64(statement, 0), raw.sqlite3_column_double(statement, 2), raw.sqlite3_column_int64(statement, 3) != 0));
            }
        }

        // SQL's ORDER BY step, timestamp, value on the stored value (a NaN is stored with is_nan set).
        points.Sort((a, b) => a.Step != b.Step ? a.Step.CompareTo(b.Step) : a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : a.Stored.CompareTo(b.Stored));
        return points.Take(MaxBulkPointsPerRun).Select(p => new MetricPoint(p.Timestamp, p.Step, p.IsNan ? double.NaN : p.Stored)).ToList();
    }
}
