using Microsoft.Data.Sqlite;
using MlTrack.Server.Domain;
using SQLitePCL;
using static SQLitePCL.raw;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// The ingest hot path, on the writer connection: every point goes into metrics (exact duplicates ignored) under its
/// interned key id, metric_steps records its step (<see cref="StepBlock"/>), and latest_metrics keeps the point with
/// the greatest (step, timestamp, value). Statements are
/// prepared once and driven through SQLite's C API (<see cref="SqliteRaw"/>, <see cref="SqliteNative"/>).
/// </summary>
internal sealed class MetricWriter : IDisposable
{
    /// <summary>Rows per insert statement, largest first: a batch of 1,000 points takes 7 + 6 + 8 steps rather than 1,000.</summary>
    private static readonly int[] InsertSizes = [128, 16, 1];

    /// <summary>Rows per metric_steps upsert statement, largest first: a batch touches a few blocks of each of its keys.</summary>
    private static readonly int[] StepSizes = [16, 4, 1];
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt[] _inserts;
    private readonly sqlite3_stmt _latest;
    private readonly sqlite3_stmt[] _steps;
    private readonly List<StepBlock> _blocks = [];
    private readonly List<long> _blockKeys = [];
    private readonly sqlite3_stmt _findKey;
    private readonly sqlite3_stmt _addKey;

    public MetricWriter(SqliteConnection connection)
    {
        _connection = connection;
        _inserts = [.. InsertSizes.Select(rows => SqliteRaw.Prepare(connection,
            "INSERT OR IGNORE INTO metrics (run_id, key_id, timestamp, step, value, is_nan) VALUES "
            + string.Join(", ", Enumerable.Repeat("(?, ?, ?, ?, ?, ?)", rows))))];
        _latest = SqliteRaw.Prepare(connection, """
            INSERT INTO latest_metrics (run_id, key, timestamp, step, value, is_nan) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan
            WHERE (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)
            """);
        _steps = [.. StepSizes.Select(rows => SqliteRaw.Prepare(connection,
            "INSERT INTO metric_steps (run_id, key_id, block, bits, min_time, max_time) VALUES "
            + string.Join(", ", Enumerable.Repeat("(?, ?, ?, ?, ?, ?)", rows))
            + " ON CONFLICT (run_id, key_id, block) DO UPDATE SET"
            + " bits = bits | excluded.bits, min_time = min(min_time, excluded.min_time), max_time = max(max_time, excluded.max_time)"))];
        _findKey = SqliteRaw.Prepare(connection, "SELECT id FROM metric_keys WHERE key = ?1");
        _addKey = SqliteRaw.Prepare(connection, "INSERT INTO metric_keys (key) VALUES (?1)");
    }

    public void Write(long run, IReadOnlyList<Metric> metrics)
    {
        // A batch repeats a few keys: each distinct key is looked up (or added) once, in this request's own savepoint,
        // so no id outlives a rollback. Points are then inserted key by key, which keeps consecutive inserts on the
        // same b-tree leaf.
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        var slots = new List<KeySlot>();
        var slotOf = new int[metrics.Count];
        for (var i = 0; i < metrics.Count; i++)
        {
            var metric = metrics[i];
            if (!keys.TryGetValue(metric.Key, out var slot))
            {
                slot = slots.Count;
                keys.Add(metric.Key, slot);
                slots.Add(new KeySlot(KeyId(metric.Key), metric));
            }
            else if (StoreRules.IsLater(metric, slots[slot].Latest))
            {
                slots[slot].Latest = metric;
            }

            slotOf[i] = slot;
            slots[slot].Count++;
        }

        // Points in key order: the identity when the batch has one key, else a stable counting sort by key.
        var order = new int[metrics.Count];
        if (slots.Count == 1)
        {
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }
        }
        else
        {
            var next = new int[slots.Count];
            for (var s = 1; s < slots.Count; s++)
            {
                next[s] = next[s - 1] + slots[s - 1].Count;
            }

            for (var i = 0; i < metrics.Count; i++)
            {
                order[next[slotOf[i]]++] = i;
            }
        }

        // Each statement inserts many rows: SQLite's per-statement work (cursor, transaction check, halt) and the
        // step and reset calls are then paid once per statement instead of once per point.
        var done = 0;
        for (var size = 0; size < InsertSizes.Length; size++)
        {
            var rows = InsertSizes[size];
            var statement = _inserts[size].DangerousGetHandle();
            for (; done + rows <= order.Length; done += rows)
            {
                for (var r = 0; r < rows; r++)
                {
                    var i = order[done + r];
                    Bind(statement, r * 6, run, slots[slotOf[i]].Id, metrics[i]);
                }

                Run(statement);
            }
        }

        // Which steps each key now has (metric_steps, 64 to a row), merged as the points are: in multi-row statements.
        _blocks.Clear();
        _blockKeys.Clear();
        var first = 0;
        foreach (var slot in slots)
        {
            StepBlock.Summarize(metrics, order.AsSpan(first, slot.Count), _blocks);
            _blockKeys.AddRange(Enumerable.Repeat(slot.Id, _blocks.Count - _blockKeys.Count));
            first += slot.Count;
        }

        done = 0;
        for (var size = 0; size < StepSizes.Length; size++)
        {
            var rows = StepSizes[size];
            var statement = _steps[size].DangerousGetHandle();
            for (; done + rows <= _blocks.Count; done += rows)
            {
                for (var r = 0; r < rows; r++)
                {
                    BindBlock(statement, r * 6, run, _blockKeys[done + r], _blocks[done + r]);
                }

                Run(statement);
            }
        }

        foreach (var slot in slots)
        {
            UpsertLatest(run, slot.Latest);
        }
    }

    public void Dispose()
    {
        foreach (var insert in _inserts)
        {
            insert.Dispose();
        }

        foreach (var steps in _steps)
        {
            steps.Dispose();
        }

        _latest.Dispose();
        _findKey.Dispose();
        _addKey.Dispose();
    }

    private long KeyId(string key)
    {
        try
        {
            sqlite3_bind_text(_findKey, 1, key);
            if (SqliteRaw.Step(_connection, _findKey))
            {
                return sqlite3_column_int64(_findKey, 0);
            }
        }
        finally
        {
            sqlite3_reset(_findKey);
        }

        try
        {
            sqlite3_bind_text(_addKey, 1, key);
            SqliteRaw.Step(_connection, _addKey);
            return sqlite3_last_insert_rowid(_connection.Handle);
        }
        finally
        {
            sqlite3_reset(_addKey);
        }
    }

    private static void Bind(IntPtr statement, int offset, long run, long keyId, Metric metric)
    {
        _ = SqliteNative.sqlite3_bind_int64(statement, offset + 1, run);
        _ = SqliteNative.sqlite3_bind_int64(statement, offset + 2, keyId);
        _ = SqliteNative.sqlite3_bind_int64(statement, offset + 3, metric.Timestamp);
        _ = SqliteNative.sqlite3_bind_int64(statement, offset + 4, metric.Step);
        _ = SqliteNative.sqlite3_bind_double(statement, offset + 5, StoreRules.StoredValue(metric.Value));
        _ = SqliteNative.sqlite3_bind_int64(statement, offset + 6, double.IsNaN(metric.Value) ? 1 : 0);
    }

    private void Run(IntPtr statement)
    {
        try
        {
            SqliteRaw.Step(_connection, statement);
        }
        finally
        {
            _ = SqliteNative.sqlite3_reset(statement);
        }
    }

    private void UpsertLatest(long run, Metric metric)
    {
        sqlite3_bind_int64(_latest, 1, run);
        sqlite3_bind_text(_latest, 2, metric.Key);
        sqlite3_bind_int64(_latest, 3, metric.Timestamp);
        sqlite3_bind_int64(_latest, 4, metric.Step);
        sqlite3_bind_double(_latest, 5, StoreRules.StoredValue(metric.Value));
        sqlite3_bind_int(_latest, 6, double.IsNaN(metric.Value) ? 1 : 0);
        try
        {
            SqliteRaw.Step(_connection, _latest);
        }
        finally
        {
            sqlite3_reset(_latest);
        }
    }

    private static void BindBlock(IntPtr statement, int offset, long run, long keyId, StepBlock block)
    {
        _ = SqliteNative.sqlite3_bind_int64(statement, offset + 1, run);
        _ = SqliteNative.sqlite3_bind_int64(statement, offset + 2, keyId);
        _ = SqliteNative.sqlite3_bind_int64(statement, offset + 3, block.Block);
        _ = SqliteNative.sqlite3_bind_int64(statement, offset + 4, (long)block.Bits);
        _ = SqliteNative.sqlite3_bind_int64(statement, offset + 5, block.MinTime);
        _ = SqliteNative.sqlite3_bind_int64(statement, offset + 6, block.MaxTime);
    }

    private sealed class KeySlot(long id, Metric latest)
    {
        public long Id { get; } = id;

        public Metric Latest { get; set; } = latest;

        public int Count { get; set; }
    }
}
