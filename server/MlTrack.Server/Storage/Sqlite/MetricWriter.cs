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
            if (!latest.TryGetValue(metric.Key, out var best) || StoreRules.IsLater(metric, best))
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

    private void Execute(sqlite3_stmt statement, long run, Metric metric)
    {
        sqlite3_bind_int64(statement, 1, run);
        sqlite3_bind_text(statement, 2, metric.Key);
        sqlite3_bind_int64(statement, 3, metric.Timestamp);
        sqlite3_bind_int64(statement, 4, metric.Step);
        sqlite3_bind_double(statement, 5, StoreRules.StoredValue(metric.Value));
        sqlite3_bind_int(statement, 6, double.IsNaN(metric.Value) ? 1 : 0);
        try
        {
            SqliteRaw.Step(_connection, statement);
        }
        finally
        {
            sqlite3_reset(statement);
        }
    }
}
