using Microsoft.Data.Sqlite;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// One SQLite file: pooled read connections opened per operation, and a single writer
/// (<see cref="SqliteWriteQueue"/>) that group-commits every write. WAL lets readers run beside the writer.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
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
        // Planner statistics (ANALYZE) as SQLite advises: refreshed when they are stale, now and every few minutes,
        // so that search joins start from the most selective index as the data grows.
        _optimizer = new Timer(_ => Writer.ExecuteAsync(c => Execute(c, "PRAGMA optimize = 0x10002;")), null, TimeSpan.Zero, OptimizeEvery);
    }

    private static readonly TimeSpan OptimizeEvery = TimeSpan.FromMinutes(10);
    private readonly Timer _optimizer;

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

    public async ValueTask DisposeAsync()
    {
        await _optimizer.DisposeAsync();
        await Writer.DisposeAsync();
    }

    private SqliteConnection OpenWriter()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
