using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// One SQLite file: pooled read connections opened per operation, a single writer (<see cref="SqliteWriteQueue"/>)
/// that group-commits every write, and a background checkpointer. WAL lets readers run beside the writer.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    /// <summary>The WAL size past which the checkpointer resets the log rather than only copying it back.</summary>
    public const long DefaultWalLimitBytes = 64L << 20;

    public static readonly TimeSpan DefaultCheckpointEvery = TimeSpan.FromSeconds(1);

    // How long a reset may wait for readers still in the log; the writer is held back meanwhile.
    private const int ResetBusyTimeoutMs = 200;
    private static readonly TimeSpan OptimizeEvery = TimeSpan.FromMinutes(10);
    private const int MaxIdleRawReaders = 4;

    private readonly string _connectionString;
    private readonly long _walLimitBytes;
    private readonly TimeSpan _checkpointEvery;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _checkpointer;
    private readonly Timer _optimizer;
    private readonly ConcurrentBag<sqlite3> _rawReaders = [];
    private bool _disposed;

    public SqliteDatabase(string path, long walLimitBytes = DefaultWalLimitBytes, TimeSpan? checkpointEvery = null)
    {
        _walLimitBytes = walLimitBytes;
        _checkpointEvery = checkpointEvery ?? DefaultCheckpointEvery;
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until this many seconds pass (the busy timeout).
            DefaultTimeout = 30,
        }.ToString();

        using (var connection = new SqliteConnection(_connectionString))
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL;");
            SchemaMigrator.Apply(connection);
        }

        Writer = new SqliteWriteQueue(OpenWriter());
        _checkpointer = Task.Run(CheckpointLoopAsync);
        // Planner statistics (ANALYZE) as SQLite advises: refreshed when stale, now and every few minutes, so that
        // search joins start from the most selective index as the data grows.
        _optimizer = new Timer(_ => Writer.ExecuteAsync(c => Execute(c, "PRAGMA optimize = 0x10002;")), null, TimeSpan.Zero, OptimizeEvery);
    }

    public string Path { get; }

    public SqliteWriteQueue Writer { get; }

    /// <summary>A pooled connection for reads; dispose it when done.</summary>
    public async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // Sorts and temporary b-trees stay in memory; a bigger page cache than SQLite's 2 MiB keeps the runs table hot.
        Execute(connection, "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384;");
        return connection;
    }

    /// <summary>
    /// A bare SQLite connection for a read whose every row goes through the C API (history): opened without SQLite's
    /// connection mutex, which serialized mode takes and releases in every column call, five times a row. It must be
    /// used by one thread at a time and every statement on it disposed before <see cref="RawReader.Dispose"/>; idle ones
    /// are kept for the next read.
    /// </summary>
    public RawReader OpenRawReader()
    {
        if (_rawReaders.TryTake(out var pooled))
        {
            return new RawReader(this, pooled);
        }

        var result = raw.sqlite3_open_v2(Path, out var db, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_NOMUTEX | raw.SQLITE_OPEN_PRIVATECACHE, null);
        if (result != raw.SQLITE_OK)
        {
            using (db)
            {
                SqliteException.ThrowExceptionForRC(result, db);
            }
        }

        // As Microsoft.Data.Sqlite's DefaultTimeout does for the pooled connections.
        _ = raw.sqlite3_busy_timeout(db, 30_000);
        return new RawReader(this, db);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_rawReaders.TryTake(out var idle))
        {
            idle.Dispose();
        }

        await _optimizer.DisposeAsync();
        await Writer.DisposeAsync();
        await _stopping.CancelAsync();
        await _checkpointer;
        _stopping.Dispose();
    }

    private SqliteConnection OpenWriter()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Auto-checkpointing is off on the writer: CheckpointLoopAsync does that work beside it. The savepoint of
        // each request in a group keeps its sub-journal (the pages it overwrote) in memory rather than in a temporary
        // file that was created, written page by page and deleted again for every group. After the log is reset,
        // the writer's first commit truncates a WAL file larger than journal_size_limit (it is otherwise reused).
        Execute(connection, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY; "
            + $"PRAGMA journal_size_limit = {_walLimitBytes};");
        return connection;
    }

    /// <summary>
    /// WAL checkpoints run here, on their own connection, rather than inside the writer's commits: copying pages back
    /// into the database and syncing it then costs the writer nothing. A PASSIVE checkpoint never waits, but the log
    /// only starts over from its beginning when a write begins with every frame copied and no reader in the log, which
    /// a writer that keeps committing never sees: past the limit, a RESTART resets it, between two writer groups.
    /// </summary>
    private async Task CheckpointLoopAsync()
    {
        // Unpooled, so that its busy timeout never reaches a reader; DefaultTimeout caps Microsoft.Data.Sqlite's own
        // retries, though the pragma reports a busy checkpoint in its result row rather than as an error.
        var unpooled = new SqliteConnectionStringBuilder(_connectionString) { Pooling = false, DefaultTimeout = 1 };
        await using var connection = new SqliteConnection(unpooled.ToString());
        await connection.OpenAsync();
        // RESTART and TRUNCATE call the busy handler while they wait for the writer lock and for readers.
        Execute(connection, $"PRAGMA busy_timeout = {ResetBusyTimeoutMs};");
        var frameBytes = ReadInt64(connection, "PRAGMA page_size;") + 24;
        using var timer = new PeriodicTimer(_checkpointEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    // Rows: busy, frames in the log, frames copied back. The PASSIVE copy first, so that the RESTART
                    // has little left to copy while the writer waits; a busy RESTART (a long reader) is only retried
                    // at the next tick.
                    if (ReadInt64(connection, "PRAGMA wal_checkpoint(PASSIVE);", column: 1) * frameBytes > _walLimitBytes)
                    {
                        await Writer.PauseAsync(() => ReadInt64(connection, "PRAGMA wal_checkpoint(RESTART);"));
                    }
                }
                catch (SqliteException)
                {
                    // A checkpoint that cannot finish now (I/O, busy) is simply tried again at the next tick.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping; the final checkpoint below leaves a short WAL for the next start.
        }

        Execute(connection, "PRAGMA wal_checkpoint(PASSIVE);");
    }

    private static long ReadInt64(SqliteConnection connection, string sql, int column = 0)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        return reader.Read() ? reader.GetInt64(column) : 0;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private void Return(sqlite3 db)
    {
        if (_disposed || _rawReaders.Count >= MaxIdleRawReaders)
        {
            db.Dispose();
            return;
        }

        _rawReaders.Add(db);
    }

    /// <summary>A rented <see cref="OpenRawReader"/> connection; disposing returns it.</summary>
    public sealed class RawReader(SqliteDatabase owner, sqlite3 handle) : IDisposable
    {
        public sqlite3 Handle { get; } = handle;

        public void Dispose() => owner.Return(Handle);
    }
}
