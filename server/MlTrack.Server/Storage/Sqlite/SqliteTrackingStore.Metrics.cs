using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
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
        using var connection = _db.OpenRawReader();
        var db = connection.Handle;
        // One read transaction: the counting pass, the picking pass and the points see the same snapshot.
        Execute(db, "BEGIN");
        try
        {
            var pointsByRun = new Dictionary<string, List<MetricPoint>>(StringComparer.Ordinal);
            if (KeyIdOf(db, key) is { } keyId)
            {
                var series = new List<(string RunId, long Id, StepRange Range)>();
                foreach (var runId in runIds.Distinct(StringComparer.Ordinal))
                {
                    if (ReadStepRange(db, runId, keyId) is { } found)
                    {
                        series.Add((runId, found.Id, found.Range));
                    }
                }

                var ranges = series.Select(s => s.Range).ToList();
                var (start, end) = MetricSampling.Interval(ranges, startStep, endStep);
                IReadOnlyList<long> steps;
                using (var blocks = new BlockReader(db, [.. series.Select(s => s.Id)], keyId, StepBlock.BlockOf(end)))
                {
                    steps = await MetricSampling.SampleStepsAsync(blocks, ranges, start, end, maxResults, cancellationToken);
                }

                foreach (var (runId, id, _) in series)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    pointsByRun[runId] = ReadPointsAtSteps(db, id, keyId, steps);
                }
            }

            // A run listed twice is answered twice, as MLflow does.
            var result = new List<MetricWithRunId>();
            foreach (var runId in runIds)
            {
                if (pointsByRun.TryGetValue(runId, out var points))
                {
                    result.AddRange(points.Select(p => new MetricWithRunId(key, p.Value, p.Timestamp, p.Step, runId)));
                }
            }

            return result;
        }
        finally
        {
            Execute(db, "COMMIT");
        }
    }

    private static void Execute(sqlite3 db, string sql)
    {
        var result = raw.sqlite3_exec(db, sql);
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }

    private static long? KeyIdOf(sqlite3 db, string key)
    {
        using var statement = SqliteRaw.Prepare(db, "SELECT id FROM metric_keys WHERE key = ?1");
        raw.sqlite3_bind_text(statement, 1, key);
        var handle = statement.DangerousGetHandle();
        return SqliteRaw.Step(db, handle) ? SqliteNative.sqlite3_column_int64(handle, 0) : null;
    }

    /// <summary>A run's internal id and its first and last step of the metric (from its first and last block); null without points.</summary>
    private static (long Id, StepRange Range)? ReadStepRange(sqlite3 db, string runId, long keyId)
    {
        using var run = SqliteRaw.Prepare(db, "SELECT id FROM runs WHERE run_uuid = ?1");
        raw.sqlite3_bind_text(run, 1, runId);
        if (!SqliteRaw.Step(db, run.DangerousGetHandle()))
        {
            return null;
        }

        var id = SqliteNative.sqlite3_column_int64(run.DangerousGetHandle(), 0);
        StepBlock? Edge(string order)
        {
            using var statement = SqliteRaw.Prepare(db, $"SELECT block, bits FROM metric_steps WHERE run_id = ?1 AND key_id = ?2 ORDER BY block {order} LIMIT 1");
            var handle = statement.DangerousGetHandle();
            _ = SqliteNative.sqlite3_bind_int64(handle, 1, id);
            _ = SqliteNative.sqlite3_bind_int64(handle, 2, keyId);
            return SqliteRaw.Step(db, handle)
                ? new StepBlock(SqliteNative.sqlite3_column_int64(handle, 0), (ulong)SqliteNative.sqlite3_column_int64(handle, 1), 0, 0)
                : null;
        }

        return Edge("ASC") is { } first && Edge("DESC") is { } last ? (id, new StepRange(first.FirstStep, last.LastStep)) : null;
    }

    /// <summary>
    /// A run's points of one metric at the sampled steps, ordered by step, timestamp and value, at most
    /// <see cref="MaxBulkPointsPerRun"/>. The primary key orders points by timestamp; each sampled step's block gives
    /// the time range its points lie in, so only those ranges are read rather than the whole series. Points logged in
    /// step order make a range about one block's points; at worst the ranges add up to one scan of the series.
    /// </summary>
    private static List<MetricPoint> ReadPointsAtSteps(sqlite3 db, long runId, long keyId, IReadOnlyList<long> steps)
    {
        var blocks = new List<StepBlock>();
        using (var statement = SqliteRaw.Prepare(db, "SELECT bits, min_time, max_time FROM metric_steps WHERE run_id = ?1 AND key_id = ?2 AND block = ?3"))
        {
            var handle = statement.DangerousGetHandle();
            _ = SqliteNative.sqlite3_bind_int64(handle, 1, runId);
            _ = SqliteNative.sqlite3_bind_int64(handle, 2, keyId);
            foreach (var block in steps.Select(StepBlock.BlockOf).Distinct())
            {
                _ = SqliteNative.sqlite3_reset(handle);
                _ = SqliteNative.sqlite3_bind_int64(handle, 3, block);
                if (SqliteRaw.Step(db, handle))
                {
                    blocks.Add(new StepBlock(block, (ulong)SqliteNative.sqlite3_column_int64(handle, 0),
                        SqliteNative.sqlite3_column_int64(handle, 1), SqliteNative.sqlite3_column_int64(handle, 2)));
                }
            }
        }

        var (wanted, ranges) = StepBlock.Locate(steps, blocks);
        var points = new FirstPoints(MaxBulkPointsPerRun);
        using var scan = SqliteRaw.Prepare(db, """
            SELECT timestamp, step, value, is_nan FROM metrics
            WHERE run_id = ?1 AND key_id = ?2 AND timestamp >= ?3 AND timestamp <= ?4 AND step >= ?5 AND step <= ?6
            """);
        var rows = scan.DangerousGetHandle();
        _ = SqliteNative.sqlite3_bind_int64(rows, 1, runId);
        _ = SqliteNative.sqlite3_bind_int64(rows, 2, keyId);
        foreach (var range in ranges)
        {
            // The step bounds let SQLite skip the range's other points itself (one sampled step per range, mostly).
            _ = SqliteNative.sqlite3_reset(rows);
            _ = SqliteNative.sqlite3_bind_int64(rows, 3, range.From);
            _ = SqliteNative.sqlite3_bind_int64(rows, 4, range.To);
            _ = SqliteNative.sqlite3_bind_int64(rows, 5, range.FirstStep);
            _ = SqliteNative.sqlite3_bind_int64(rows, 6, range.LastStep);
            while (SqliteRaw.Step(db, rows))
            {
                var step = SqliteNative.sqlite3_column_int64(rows, 1);
                if (wanted.Contains(step))
                {
                    points.Add(step, SqliteNative.sqlite3_column_int64(rows, 0), SqliteNative.sqlite3_column_double(rows, 2),
                        SqliteNative.sqlite3_column_int64(rows, 3) != 0);
                }
            }
        }

        return points.ToList();
    }

    /// <summary>
    /// The runs' pooled step blocks up to a last block, ascending: each run's blocks come in primary-key order, and
    /// several runs are merged (bits or-ed) as they are read, so nothing is sorted or held.
    /// </summary>
    private sealed class BlockReader : IStepBlockReader, IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt[] _statements;
        private readonly PriorityQueue<int, long> _heads = new();

        public BlockReader(sqlite3 db, long[] runIds, long keyId, long lastBlock)
        {
            _db = db;
            var statements = new List<sqlite3_stmt>(runIds.Length);
            try
            {
                foreach (var runId in runIds)
                {
                    statements.Add(SqliteRaw.Prepare(db, """
                        SELECT block, bits, min_time, max_time FROM metric_steps
                        WHERE run_id = ?1 AND key_id = ?2 AND block >= ?3 AND block <= ?4 ORDER BY block
                        """));
                    var handle = statements[^1].DangerousGetHandle();
                    _ = SqliteNative.sqlite3_bind_int64(handle, 1, runId);
                    _ = SqliteNative.sqlite3_bind_int64(handle, 2, keyId);
                    _ = SqliteNative.sqlite3_bind_int64(handle, 4, lastBlock);
                }
            }
            catch
            {
                statements.ForEach(s => s.Dispose());
                throw;
            }

            _statements = [.. statements];
        }

        public ValueTask SeekAsync(long fromBlock, long count, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _heads.Clear();
            for (var i = 0; i < _statements.Length; i++)
            {
                var handle = _statements[i].DangerousGetHandle();
                _ = SqliteNative.sqlite3_reset(handle);
                _ = SqliteNative.sqlite3_bind_int64(handle, 3, fromBlock);
                if (_statements.Length > 1 && SqliteRaw.Step(_db, handle))
                {
                    _heads.Enqueue(i, SqliteNative.sqlite3_column_int64(handle, 0));
                }
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<StepBlock?> NextAsync(CancellationToken cancellationToken)
        {
            // One run (a run page's chart) reads its statement directly; several go through the merge.
            if (_statements.Length == 1)
            {
                var handle = _statements[0].DangerousGetHandle();
                return ValueTask.FromResult(SqliteRaw.Step(_db, handle) ? Read(handle) : (StepBlock?)null);
            }

            if (!_heads.TryDequeue(out var run, out var block))
            {
                return ValueTask.FromResult<StepBlock?>(null);
            }

            var merged = Read(_statements[run].DangerousGetHandle());
            Advance(run);
            while (_heads.TryPeek(out var other, out var otherBlock) && otherBlock == block)
            {
                _heads.Dequeue();
                merged = merged.Union(Read(_statements[other].DangerousGetHandle()));
                Advance(other);
            }

            return ValueTask.FromResult<StepBlock?>(merged);
        }

        public void Dispose()
        {
            foreach (var statement in _statements)
            {
                statement.Dispose();
            }
        }

        private static StepBlock Read(IntPtr handle) => new(
            SqliteNative.sqlite3_column_int64(handle, 0), (ulong)SqliteNative.sqlite3_column_int64(handle, 1),
            SqliteNative.sqlite3_column_int64(handle, 2), SqliteNative.sqlite3_column_int64(handle, 3));

        private void Advance(int run)
        {
            var handle = _statements[run].DangerousGetHandle();
            if (SqliteRaw.Step(_db, handle))
            {
                _heads.Enqueue(run, SqliteNative.sqlite3_column_int64(handle, 0));
            }
        }
    }
}
