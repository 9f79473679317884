using Microsoft.Data.Sqlite;
using MlTrack.Server.Domain;
using SQLitePCL;
using static SQLitePCL.raw;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// The ingest hot path, on the writer connection: every point goes into metrics (exact duplicates ignored) and
/// latest_metrics keeps the point with the greatest (step, timestamp, value). Statements are prepared once and
/// driven through SQLite's C API (<see cref="SqliteRaw"/>).
/// </summary>
internal sealed class MetricWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _insert;
    private readonly sqlite3_stmt _latest;

    public MetricWriter(SqliteConnection connection)
    {
        _connection = connection;
        _insert = SqliteRaw.Prepare(connection, "INSERT OR IGNORE INTO metrics (run_id, key, timestamp, step, value, is_nan) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        _latest = SqliteRaw.Prepare(connection, """
            INSERT INTO latest_metrics (run_id, key, timestamp, step, value, is_nan) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan
            WHERE (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)
            """);
    }

    public void Write(long run, IReadOnlyList<Metric> metrics)
    {
        var latest = new Dictionary<string, Metric>(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            Execute(_insert, run, metric);
            if (!latest.TryGetValue(metric.Key, out var best) || IsLater(metric, best))
            {
                latest[metric.Key] = metric;
            }
        }

        foreach (var metric in latest.Values)
        {
            Execute(_latest, run, metric);
        }
    }

    public void Dispose()
    {
        _insert.Dispose();
        _latest.Dispose();
    }

    private static bool IsLater(Metric a, Metric b) =>
        (a.Step, a.Timestamp, StoredValue(a.Value)).CompareTo((b.Step, b.Timestamp, StoredValue(b.Value))) > 0;

    // MLflow stores NaN as 0 with is_nan set, and clamps infinities to the largest finite doubles.
    private static double StoredValue(double value) => double.IsNaN(value) ? 0 : Math.Clamp(value, double.MinValue, double.MaxValue);

    private void Execute(sqlite3_stmt statement, long run, Metric metric)
    {
        var handle = statement.DangerousGetHandle();
        _ = SqliteNative.sqlite3_bind_int64(handle, 1, run);
        sqlite3_bind_text(statement, 2, metric.Key);
        _ = SqliteNative.sqlite3_bind_int64(handle, 3, metric.Timestamp);
        _ = SqliteNative.sqlite3_bind_int64(handle, 4, metric.Step);
        _ = SqliteNative.sqlite3_bind_double(handle, 5, StoredValue(metric.Value));
        _ = SqliteNative.sqlite3_bind_int64(handle, 6, double.IsNaN(metric.Value) ? 1 : 0);
        try
        {
            SqliteRaw.Step(_connection, handle);
        }
        finally
        {
            _ = SqliteNative.sqlite3_reset(handle);
        }
    }
}
