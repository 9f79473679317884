using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using MlTrack.Server.Domain;
using static SQLitePCL.raw;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// A page's ids as one JSON array, and its params, tags and metrics stepped through SQLite's C API: a data reader
/// checks each column's type and null-ness in separate native calls, which took longer than SQLite's own work.
/// </summary>
internal sealed class SqliteRunPageRows(SqliteConnection connection, IEnumerable<long> ids) : RunPageRows(connection)
{
    private readonly string _ids = System.Text.Json.JsonSerializer.Serialize(ids);

    public override object Ids => new { ids = _ids };

    public override string InRuns(string column) => $"{column} IN (SELECT value FROM json_each(@ids))";

    public override Task<Dictionary<long, List<KeyValue>>> KeyValuesAsync(string sql, CancellationToken cancellationToken) =>
        Task.FromResult(Read(sql, static row => new KeyValue(Text(row, 1), Text(row, 2))));

    public override Task<Dictionary<long, List<Metric>>> MetricsAsync(string sql, CancellationToken cancellationToken) =>
        Task.FromResult(Read(sql, static row => new Metric(
            Text(row, 1),
            SqliteNative.sqlite3_column_int64(row, 5) != 0 ? double.NaN : SqliteNative.sqlite3_column_double(row, 2),
            SqliteNative.sqlite3_column_int64(row, 3),
            SqliteNative.sqlite3_column_int64(row, 4))));

    private Dictionary<long, List<T>> Read<T>(string sql, Func<IntPtr, T> read)
    {
        var sqlite = (SqliteConnection)Connection;
        using var statement = SqliteRaw.Prepare(sqlite, sql);
        sqlite3_bind_text(statement, 1, _ids);
        var row = statement.DangerousGetHandle();
        var byRun = new Dictionary<long, List<T>>();
        while (SqliteRaw.Step(sqlite, row))
        {
            Of(byRun, SqliteNative.sqlite3_column_int64(row, 0)).Add(read(row));
        }

        return byRun;
    }

    private static string Text(IntPtr row, int column)
    {
        var text = SqliteNative.sqlite3_column_text(row, column);
        return text == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(text, SqliteNative.sqlite3_column_bytes(row, column));
    }
}
