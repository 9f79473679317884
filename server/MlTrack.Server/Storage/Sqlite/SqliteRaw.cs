using System.Runtime.InteropServices;
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

    public static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        var result = sqlite3_prepare_v2(db, sql, out var statement);
        if (result != SQLITE_OK)
        {
            statement.Dispose();
            SqliteException.ThrowExceptionForRC(result, db);
        }

        return statement;
    }

    /// <summary><see cref="Step(SqliteConnection, IntPtr)"/> on a bare connection.</summary>
    public static bool Step(sqlite3 db, IntPtr statement)
    {
        var result = SqliteNative.sqlite3_step(statement);
        if (result == SQLITE_ROW)
        {
            return true;
        }

        if (result != SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }

        return false;
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

    /// <summary>
    /// <see cref="Step(SqliteConnection, sqlite3_stmt)"/> on the statement's raw pointer (<see cref="SqliteNative"/>);
    /// the caller keeps <paramref name="statement"/> alive.
    /// </summary>
    public static bool Step(SqliteConnection connection, IntPtr statement)
    {
        var result = SqliteNative.sqlite3_step(statement);
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

/// <summary>
/// The few SQLite calls made once per point, bound straight to the e_sqlite3 library that SQLitePCLRaw loads, on raw
/// statement pointers: SQLitePCLRaw's own wrappers add a provider lookup and a SafeHandle add-ref and release to every
/// call, which cost as much as the call itself. The binds, resets and column reads neither block nor call back, so they
/// skip the GC transition too; a step can do I/O and keeps it. Callers hold the owning <see cref="sqlite3_stmt"/>
/// alive while they use its pointer.
/// </summary>
internal static class SqliteNative
{
    private const string Library = "e_sqlite3";

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int sqlite3_step(IntPtr statement);

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    internal static extern int sqlite3_reset(IntPtr statement);

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    internal static extern int sqlite3_bind_int64(IntPtr statement, int index, long value);

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    internal static extern int sqlite3_bind_double(IntPtr statement, int index, double value);

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    internal static extern long sqlite3_column_int64(IntPtr statement, int column);

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    internal static extern double sqlite3_column_double(IntPtr statement, int column);

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    internal static extern IntPtr sqlite3_column_text(IntPtr statement, int column);

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    internal static extern int sqlite3_column_bytes(IntPtr statement, int column);
}
