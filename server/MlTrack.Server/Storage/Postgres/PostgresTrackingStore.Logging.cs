using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Dapper;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using Npgsql;
using NpgsqlTypes;
using static MlTrack.Server.Storage.StoreRules;

namespace MlTrack.Server.Storage.Postgres;

internal sealed partial class PostgresTrackingStore
{
    /// <summary>Points from this many on go in by binary COPY; fewer (log-metric's one) by one INSERT, a round trip less.</summary>
    private const int CopyFrom = 64;

    private const string InsertPointsSql = """
        INSERT INTO metrics (run_id, key, timestamp, step, value, is_nan)
        SELECT $1, * FROM unnest($2, $3, $4, $5, $6)
        ON CONFLICT DO NOTHING
        """;

    private const string UpsertLatestSql = """
        INSERT INTO latest_metrics (run_id, key, timestamp, step, value, is_nan)
        SELECT $1, * FROM unnest($2, $3, $4, $5, $6)
        ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan
        WHERE (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)
        """;

    /// <summary>A row's bytes in binary COPY besides its key's: field count, six lengths, three bigints, a double, an int.</summary>
    private const int CopyRowBytes = sizeof(short) + (6 * sizeof(int)) + (4 * sizeof(long)) + sizeof(int);

    /// <summary>Binary COPY's signature "PGCOPY\n\xff\r\n\0", then no flags and no header extension (two zero int32s).</summary>
    private static readonly byte[] CopyHeader = [.. "PGCOPY\n"u8, 0xFF, .. "\r\n"u8, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    // As Npgsql encodes text: a string that is not valid UTF-16 is refused rather than altered.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// All in one transaction. Points go in first by binary COPY, which stops at a point already stored (a client's
    /// retry, or the same point through another replica): then the whole batch runs again with an insert that skips
    /// stored points. The first attempt's rollback undoes everything, so the batch stays atomic.
    /// </summary>
    public async Task LogBatchAsync(
        string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<KeyValue> parameters, IReadOnlyList<KeyValue> tags,
        CancellationToken cancellationToken)
    {
        try
        {
            await LogBatchAsync(runId, metrics, parameters, tags, copy: true, cancellationToken);
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "metrics" })
        {
            await LogBatchAsync(runId, metrics, parameters, tags, copy: false, cancellationToken);
        }
    }

    private Task LogBatchAsync(
        string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<KeyValue> parameters, IReadOnlyList<KeyValue> tags, bool copy,
        CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var key = await ActiveRunKeyAsync(connection, runId);
            await LogParamsAsync(connection, key, runId, parameters);
            await LogMetricsAsync(connection, key, metrics, copy, cancellationToken);
            await UpsertAsync(connection, "tags", "run_id", key, tags);
            if (tags.LastOrDefault(t => t.Key == RunNameTag) is { } name)
            {
                await connection.ExecuteAsync("UPDATE runs SET name = @Value WHERE id = @key", new { key, name.Value });
            }
        }, cancellationToken);

    public Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var run = await ActiveRunKeyAsync(connection, runId);
            if (await connection.ExecuteAsync("DELETE FROM tags WHERE run_id = @run AND key = @key", new { run, key }) == 0)
            {
                throw MlflowException.NotFound($"No tag with name: {key} in run with id {runId}");
            }
        }, cancellationToken);

    // The run's row is locked, so that two replicas appending at once both land in the history.
    public Task AppendLoggedModelAsync(string runId, string modelJson, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var key = await ActiveRunKeyAsync(connection, runId, lockRun: true);
            var existing = await connection.ExecuteScalarAsync<string?>(
                "SELECT value FROM tags WHERE run_id = @key AND key = @tag", new { key, tag = LoggedModelHistoryTag });
            await UpsertAsync(connection, "tags", "run_id", key, [new KeyValue(LoggedModelHistoryTag, AppendLoggedModel(existing, modelJson, runId))]);
        }, cancellationToken);

    public Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> inputs, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var key = await ActiveRunKeyAsync(connection, runId);
            var experimentId = await connection.ExecuteScalarAsync<long>("SELECT experiment_id FROM runs WHERE id = @key", new { key });
            foreach (var input in inputs)
            {
                var dataset = input.Dataset;
                // A dataset is stored once per experiment by (name, digest); later inputs, from any replica, link to it.
                await connection.ExecuteAsync(
                    """
                    INSERT INTO datasets (experiment_id, name, digest, dataset_source_type, dataset_source, dataset_schema, dataset_profile)
                    VALUES (@experimentId, @Name, @Digest, @SourceType, @Source, @Schema, @Profile) ON CONFLICT DO NOTHING
                    """,
                    new { experimentId, dataset.Name, dataset.Digest, dataset.SourceType, dataset.Source, dataset.Schema, dataset.Profile });
                var datasetId = await connection.ExecuteScalarAsync<long>(
                    "SELECT dataset_id FROM datasets WHERE experiment_id = @experimentId AND name = @Name AND digest = @Digest",
                    new { experimentId, dataset.Name, dataset.Digest });
                await connection.ExecuteAsync("INSERT INTO inputs (dataset_id, run_id) VALUES (@datasetId, @key) ON CONFLICT DO NOTHING", new { datasetId, key });
                foreach (var tag in input.Tags)
                {
                    await connection.ExecuteAsync(
                        // The run's key and the tag's key need names that differ beyond case, which Npgsql ignores.
                        "INSERT INTO input_tags (dataset_id, run_id, key, value) VALUES (@datasetId, @runKey, @tagKey, @tagValue) ON CONFLICT DO NOTHING",
                        new { datasetId, runKey = key, tagKey = tag.Key, tagValue = tag.Value });
                }
            }
        }, cancellationToken);

    /// <summary>
    /// Params are immutable across replicas: new keys are inserted (ON CONFLICT DO NOTHING, so a key logged at the
    /// same moment elsewhere is not an error), then every key is compared with what the database holds.
    /// </summary>
    private static async Task LogParamsAsync(NpgsqlConnection connection, long key, string runId, IReadOnlyList<KeyValue> parameters)
    {
        if (parameters.Count == 0)
        {
            return;
        }

        var rows = parameters.GroupBy(p => p.Key, StringComparer.Ordinal).Select(g => g.First()).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var keys = rows.Select(p => p.Key).ToArray();
        await connection.ExecuteAsync(
            """
            INSERT INTO params (run_id, key, value) SELECT @key, k, v FROM unnest(@keys, @values) AS t (k, v)
            ON CONFLICT (run_id, key) DO NOTHING
            """,
            new { key, keys, values = rows.Select(p => p.Value).ToArray() });
        var stored = (await connection.QueryAsync<(string Key, string Value)>(
            "SELECT key, value FROM params WHERE run_id = @key AND key = ANY(@keys)", new { key, keys }))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        CheckParams(runId, parameters, stored);
    }

    /// <summary>
    /// The batch's points in primary-key order without exact duplicates, by binary COPY (<paramref name="copy"/>, when
    /// there are enough of them; a point already stored fails it) or by one insert from arrays that skips stored
    /// points; then one upsert of metric_steps (which steps each key has, <see cref="StepBlock"/>) and one of
    /// latest_metrics that keeps, per key, the point with the greatest (step, timestamp, value). Rows go in key order,
    /// so that two batches of one run lock alike rather than deadlock.
    /// </summary>
    private static async Task LogMetricsAsync(
        NpgsqlConnection connection, long run, IReadOnlyList<Metric> metrics, bool copy, CancellationToken cancellationToken)
    {
        if (metrics.Count == 0)
        {
            return;
        }

        var (points, latest) = StoredPoints(metrics);
        await using var batch = new NpgsqlBatch(connection);
        if (copy && points.Count >= CopyFrom)
        {
            await CopyPointsAsync(connection, run, points, cancellationToken);
        }
        else
        {
            batch.BatchCommands.Add(PointsCommand(InsertPointsSql, run, points));
        }

        batch.BatchCommands.Add(StepsCommand(run, metrics, points));
        batch.BatchCommands.Add(PointsCommand(UpsertLatestSql, run, latest));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A batch of consecutive steps touches a few blocks per key: a few rows per thousand points.</summary>
    private static NpgsqlBatchCommand StepsCommand(long run, IReadOnlyList<Metric> metrics, List<StoredPoint> points)
    {
        // The points are in key order, so the blocks go in (key, block) order too.
        var indices = points.Select(p => p.Index).ToArray();
        var blocks = new List<(string Key, StepBlock Block)>();
        var summary = new List<StepBlock>();
        for (var first = 0; first < points.Count;)
        {
            var end = first;
            while (end < points.Count && string.Equals(points[end].Key, points[first].Key, StringComparison.Ordinal))
            {
                end++;
            }

            summary.Clear();
            StepBlock.Summarize(metrics, indices.AsSpan(first, end - first), summary);
            blocks.AddRange(summary.Select(block => (points[first].Key, block)));
            first = end;
        }

        var command = new NpgsqlBatchCommand("""
            INSERT INTO metric_steps (run_id, key, block, bits, min_time, max_time)
            SELECT $1, * FROM unnest($2, $3, $4, $5, $6)
            ON CONFLICT (run_id, key, block) DO UPDATE SET bits = metric_steps.bits | excluded.bits,
                min_time = least(metric_steps.min_time, excluded.min_time), max_time = greatest(metric_steps.max_time, excluded.max_time)
            """);
        var bigints = NpgsqlDbType.Array | NpgsqlDbType.Bigint;
        command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = run });
        command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. blocks.Select(b => b.Key)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = bigints, TypedValue = [.. blocks.Select(b => b.Block.Block)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = bigints, TypedValue = [.. blocks.Select(b => (long)b.Block.Bits)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = bigints, TypedValue = [.. blocks.Select(b => b.Block.MinTime)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { NpgsqlDbType = bigints, TypedValue = [.. blocks.Select(b => b.Block.MaxTime)] });
        return command;
    }

    /// <summary>A point as stored (NaN as 0 with is_nan, infinities clamped), with its place in the batch.</summary>
    private readonly record struct StoredPoint(string Key, long Timestamp, long Step, double Value, int IsNan, int Index);

    /// <summary>
    /// The points sorted as the primary key (key, timestamp, step, value, is_nan), an exact duplicate dropped after
    /// its first occurrence in the batch, as the insert that skips stored points would keep it; and per key, in key
    /// order, the point with the greatest (step, timestamp, value), the first in the batch of equal ones (as SQLite).
    /// </summary>
    private static (List<StoredPoint> Points, List<StoredPoint> Latest) StoredPoints(IReadOnlyList<Metric> metrics)
    {
        // A batch holds a few keys, usually each in order already: grouping by key and sorting only a group that is
        // out of order cost a fifth of sorting the whole batch.
        var groups = new Dictionary<string, KeyPoints>(StringComparer.Ordinal);
        KeyPoints? group = null;
        for (var i = 0; i < metrics.Count; i++)
        {
            var metric = metrics[i];
            if (group?.Key != metric.Key && !groups.TryGetValue(metric.Key, out group))
            {
                group = new KeyPoints(metric.Key);
                groups.Add(metric.Key, group);
            }

            var point = new StoredPoint(metric.Key, metric.Timestamp, metric.Step, StoredValue(metric.Value), double.IsNaN(metric.Value) ? 1 : 0, i);
            group!.Points.Add(point);
            if (group.Points.Count == 1 || (point.Step, point.Timestamp, point.Value).CompareTo((group.Latest.Step, group.Latest.Timestamp, group.Latest.Value)) > 0)
            {
                group.Latest = point;
            }
        }

        var points = new List<StoredPoint>(metrics.Count);
        var latest = new List<StoredPoint>(groups.Count);
        foreach (var key in groups.Keys.Order(StringComparer.Ordinal))
        {
            group = groups[key];
            latest.Add(group.Latest);
            var sorted = true;
            for (var i = 1; i < group.Points.Count && sorted; i++)
            {
                sorted = ComparePoints(group.Points[i - 1], group.Points[i]) < 0;
            }

            if (!sorted)
            {
                group.Points.Sort(ComparePoints);
            }

            var first = points.Count;
            foreach (var point in group.Points)
            {
                if (points.Count == first || !SamePoint(points[^1], point))
                {
                    points.Add(point);
                }
            }
        }

        return (points, latest);
    }

    /// <summary>Primary-key order within one key; the batch index breaks ties, so that the first of equal points comes first.</summary>
    private static int ComparePoints(StoredPoint a, StoredPoint b)
    {
        var order = a.Timestamp.CompareTo(b.Timestamp);
        order = order != 0 ? order : a.Step.CompareTo(b.Step);
        order = order != 0 ? order : a.Value.CompareTo(b.Value);
        order = order != 0 ? order : a.IsNan.CompareTo(b.IsNan);
        return order != 0 ? order : a.Index.CompareTo(b.Index);
    }

    // == on doubles, as PostgreSQL compares float8 (-0.0 equals 0.0, one point); values are never NaN here.
    private static bool SamePoint(StoredPoint a, StoredPoint b) =>
        a.Timestamp == b.Timestamp && a.Step == b.Step && a.Value == b.Value && a.IsNan == b.IsNan;

    private sealed class KeyPoints(string key)
    {
        public string Key { get; } = key;

        public List<StoredPoint> Points { get; } = [];

        public StoredPoint Latest { get; set; }
    }

    /// <summary>
    /// The points by COPY in PostgreSQL's binary format (a header; per row the field count, then each field as its
    /// length and big-endian bytes; -1 at the end), encoded into one buffer here: writing them value by value through
    /// NpgsqlBinaryImporter cost the server more CPU than PostgreSQL spent storing them.
    /// </summary>
    private static async Task CopyPointsAsync(NpgsqlConnection connection, long run, List<StoredPoint> points, CancellationToken cancellationToken)
    {
        var size = CopyHeader.Length + sizeof(short);
        foreach (var point in points)
        {
            size += CopyRowBytes + StrictUtf8.GetMaxByteCount(point.Key.Length);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var length = EncodeCopy(buffer, run, points);
            // Disposing the stream ends the COPY; PostgreSQL's verdict (a duplicate point, say) is thrown from there.
            // The write is not cancelled halfway, which would leave the COPY cut short and throw from the disposal in
            // place of the cancellation: it is one buffer, and a cancelled request is rolled back right after it.
            await using var copy = await connection.BeginRawBinaryCopyAsync(
                "COPY metrics (run_id, key, timestamp, step, value, is_nan) FROM STDIN (FORMAT BINARY)", cancellationToken);
            await copy.WriteAsync(buffer.AsMemory(0, length), CancellationToken.None);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int EncodeCopy(Span<byte> buffer, long run, List<StoredPoint> points)
    {
        CopyHeader.CopyTo(buffer);
        var at = CopyHeader.Length;
        foreach (var point in points)
        {
            BinaryPrimitives.WriteInt16BigEndian(buffer[at..], 6);
            at += sizeof(short);
            at = WriteInt64(buffer, at, run);
            var keyBytes = StrictUtf8.GetBytes(point.Key, buffer[(at + sizeof(int))..]);
            BinaryPrimitives.WriteInt32BigEndian(buffer[at..], keyBytes);
            at += sizeof(int) + keyBytes;
            at = WriteInt64(buffer, at, point.Timestamp);
            at = WriteInt64(buffer, at, point.Step);
            at = WriteInt64(buffer, at, BitConverter.DoubleToInt64Bits(point.Value));
            BinaryPrimitives.WriteInt32BigEndian(buffer[at..], sizeof(int));
            BinaryPrimitives.WriteInt32BigEndian(buffer[(at + sizeof(int))..], point.IsNan);
            at += 2 * sizeof(int);
        }

        BinaryPrimitives.WriteInt16BigEndian(buffer[at..], -1);
        return at + sizeof(short);
    }

    private static int WriteInt64(Span<byte> buffer, int at, long value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer[at..], sizeof(long));
        BinaryPrimitives.WriteInt64BigEndian(buffer[(at + sizeof(int))..], value);
        return at + sizeof(int) + sizeof(long);
    }

    // Typed array parameters, bound directly: the ingest path skips Dapper's reflection.
    private static NpgsqlBatchCommand PointsCommand(string sql, long run, List<StoredPoint> points) => new(sql)
    {
        Parameters =
        {
            new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = run },
            new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. points.Select(p => p.Key)] },
            new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = [.. points.Select(p => p.Timestamp)] },
            new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = [.. points.Select(p => p.Step)] },
            new NpgsqlParameter<double[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double, TypedValue = [.. points.Select(p => p.Value)] },
            new NpgsqlParameter<int[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = [.. points.Select(p => p.IsNan)] },
        },
    };
}
