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
        // One snapshot for the counting, the picking and the points.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        // Each run's first and last block of the metric (runs without points drop out).
        var series = (await connection.QueryAsync<(string RunId, long Id, long FirstBlock, long FirstBits, long LastBlock, long LastBits)>(new CommandDefinition(
            """
            SELECT r.run_uuid, r.id, f.block, f.bits, l.block, l.bits FROM runs r
            JOIN LATERAL (SELECT block, bits FROM metric_steps WHERE run_id = r.id AND key = @key ORDER BY block LIMIT 1) f ON true
            JOIN LATERAL (SELECT block, bits FROM metric_steps WHERE run_id = r.id AND key = @key ORDER BY block DESC LIMIT 1) l ON true
            WHERE r.run_uuid = ANY(@runIds)
            """, new { runIds = runIds.Distinct(StringComparer.Ordinal).ToArray(), key }, transaction, cancellationToken: cancellationToken))).ToList();
        var ranges = series.Select(s => new StepRange(
            new StepBlock(s.FirstBlock, (ulong)s.FirstBits, 0, 0).FirstStep, new StepBlock(s.LastBlock, (ulong)s.LastBits, 0, 0).LastStep)).ToList();
        var (start, end) = MetricSampling.Interval(ranges, startStep, endStep);
        IReadOnlyList<long> steps;
        await using (var blocks = new BlockReader(connection, transaction, [.. series.Select(s => s.Id)], key, StepBlock.BlockOf(end)))
        {
            steps = await MetricSampling.SampleStepsAsync(blocks, ranges, start, end, maxResults, cancellationToken);
        }

        var pointsByRun = new Dictionary<string, List<MetricWithRunId>>(StringComparer.Ordinal);
        foreach (var (runId, id, _, _, _, _) in series)
        {
            pointsByRun[runId] = await ReadPointsAtStepsAsync(connection, transaction, runId, id, key, steps, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        // A run listed twice is answered twice, as MLflow does.
        return [.. runIds.SelectMany(runId => pointsByRun.TryGetValue(runId, out var points) ? points : [])];
    }

    /// <summary>
    /// A run's points of one metric at the sampled steps, ordered by step, timestamp and value, at most
    /// <see cref="MaxBulkPointsPerRun"/>: read only between the timestamps of the sampled steps' blocks, in the
    /// timestamp-ordered primary key (at worst, as much as one scan of the series).
    /// </summary>
    private static async Task<List<MetricWithRunId>> ReadPointsAtStepsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string runId, long id, string key, IReadOnlyList<long> steps,
        CancellationToken cancellationToken)
    {
        var blocks = await connection.QueryAsync<(long Block, long Bits, long MinTime, long MaxTime)>(new CommandDefinition(
            "SELECT block, bits, min_time, max_time FROM metric_steps WHERE run_id = @id AND key = @key AND block = ANY(@blocks)",
            new { id, key, blocks = steps.Select(StepBlock.BlockOf).Distinct().ToArray() }, transaction, cancellationToken: cancellationToken));
        var (wanted, ranges) = StepBlock.Locate(steps, blocks.Select(b => new StepBlock(b.Block, (ulong)b.Bits, b.MinTime, b.MaxTime)));
        if (wanted.Count == 0)
        {
            return [];
        }

        // One index range scan per time range (OFFSET 0 keeps PostgreSQL from flattening the lateral subquery into a
        // scan of the whole series); the step bounds leave mostly the sampled steps' points to send.
        await using var command = new NpgsqlCommand(
            """
            SELECT m.timestamp, m.step, m.value, m.is_nan FROM unnest(@froms, @tos, @firsts, @lasts) AS w(t0, t1, s0, s1)
            CROSS JOIN LATERAL (
                SELECT timestamp, step, value, is_nan FROM metrics
                WHERE run_id = @id AND key = @key AND timestamp BETWEEN w.t0 AND w.t1 AND step BETWEEN w.s0 AND w.s1
                OFFSET 0
            ) m
            """, connection, transaction);
        command.Parameters.AddWithValue("froms", ranges.Select(r => r.From).ToArray());
        command.Parameters.AddWithValue("tos", ranges.Select(r => r.To).ToArray());
        command.Parameters.AddWithValue("firsts", ranges.Select(r => r.FirstStep).ToArray());
        command.Parameters.AddWithValue("lasts", ranges.Select(r => r.LastStep).ToArray());
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("key", key);
        // Streamed and cut as it comes: memory stays bounded whatever the ranges hold.
        var points = new FirstPoints(MaxBulkPointsPerRun);
        await using (var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (timestamp, step, value, isNan) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetInt32(3) != 0);
                if (wanted.Contains(step))
                {
                    points.Add(step, timestamp, value, isNan);
                }
            }
        }

        return [.. points.ToList().Select(p => new MetricWithRunId(key, p.Value, p.Timestamp, p.Step, runId))];
    }

    /// <summary>
    /// The runs' pooled step blocks up to a last block, ascending, streamed from one query at a time (several runs'
    /// blocks or-ed together by PostgreSQL).
    /// </summary>
    private sealed class BlockReader(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] ids, string key, long lastBlock)
        : IStepBlockReader, IAsyncDisposable
    {
        private NpgsqlCommand? _command;
        private NpgsqlDataReader? _reader;

        public async ValueTask SeekAsync(long fromBlock, long count, CancellationToken cancellationToken)
        {
            await CloseAsync();
            _command = new NpgsqlCommand(
                ids.Length == 1
                    ? """
                      SELECT block, bits, min_time, max_time FROM metric_steps
                      WHERE run_id = @id AND key = @key AND block >= @from AND block <= @last ORDER BY block LIMIT @count
                      """
                    : """
                      SELECT block, bit_or(bits), min(min_time), max(max_time) FROM metric_steps
                      WHERE run_id = ANY(@ids) AND key = @key AND block >= @from AND block <= @last GROUP BY block ORDER BY block LIMIT @count
                      """,
                connection, transaction);
            _command.Parameters.AddWithValue("id", ids.Length > 0 ? ids[0] : 0L);
            _command.Parameters.AddWithValue("ids", ids);
            _command.Parameters.AddWithValue("key", key);
            _command.Parameters.AddWithValue("from", fromBlock);
            _command.Parameters.AddWithValue("last", lastBlock);
            _command.Parameters.AddWithValue("count", count);
            _reader = await _command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        }

        public async ValueTask<StepBlock?> NextAsync(CancellationToken cancellationToken) =>
            _reader is not null && await _reader.ReadAsync(cancellationToken)
                ? new StepBlock(_reader.GetInt64(0), (ulong)_reader.GetInt64(1), _reader.GetInt64(2), _reader.GetInt64(3))
                : null;

        public ValueTask DisposeAsync() => CloseAsync();

        private async ValueTask CloseAsync()
        {
            if (_reader is not null)
            {
                await _reader.DisposeAsync();
                _reader = null;
            }

            if (_command is not null)
            {
                await _command.DisposeAsync();
                _command = null;
            }
        }
    }
}
