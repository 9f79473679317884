using Microsoft.Data.Sqlite;
using SQLitePCL;
using static SQLitePCL.raw;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// SQLite's C API for the two paths where per-row cost decides throughput (metric ingest and million-point
/// history reads): a prepared statement stepped directly costs about half of a command or data reader.
/// </summary>
internal static class SqliteRaw
{
    public static sqlite3_stmt Prepare(SqliteConnection connection, string sql)
    {
        var result = sqlite3_prepare_v2(connection.Handle, sql, out var statement);
        Check(connection, result, SQLITE_OK);
        return statement;
    }

    /// <summary>Steps once; true for a row, false when done; an error becomes a SqliteException.</summary>
    public static bool Step(SqliteConnection connection, sqlite3_stmt statement)
    {
        var result = sqlite3_step(statement);
        if (result == SQLITE_ROW)
        {
            return true;
        }

        Check(connection, result, SQLITE_DONE);
        return false;
    }

    private static void Check(SqliteConnection connection, int result, int expected)
    {
        if (result != expected)
        {
            SqliteException.ThrowExceptionForRC(result, connection.Handle);
        }
    }
}
