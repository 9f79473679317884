using System.Data;
using Npgsql;

namespace MlTrack.Server.Storage.Postgres;

/// <summary>
/// One PostgreSQL database shared by any number of server replicas: pooled connections for reads, and writes that
/// each run in their own transaction, their checks (run active, param unchanged, name free) and changes together,
/// so that the database and its constraints, not this process, decide between concurrent writers. A write that
/// loses a deadlock or a serialization conflict to another replica is retried. Nothing is cached in the process.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private const int MaxAttempts = 5;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        using var connection = _dataSource.OpenConnection();
        PostgresMigrator.Apply(connection);
    }

    /// <summary>A pooled connection, opened synchronously (the auth store's calls are synchronous).</summary>
    public NpgsqlConnection OpenConnection() => _dataSource.OpenConnection();

    /// <summary>A pooled connection for reads; dispose it when done.</summary>
    public async Task<NpgsqlConnection> OpenReaderAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a transaction on a pooled connection; completes after the commit.</summary>
    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            try
            {
                var result = await work(connection);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (PostgresException e) when (attempt < MaxAttempts && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), cancellationToken);
            }
        }
    }

    public Task WriteAsync(Func<NpgsqlConnection, Task> work, CancellationToken cancellationToken) =>
        WriteAsync(async connection =>
        {
            await work(connection);
            return true;
        }, cancellationToken);

    /// <summary>True when <paramref name="error"/> is a unique-constraint violation (another writer took the key first).</summary>
    public static bool IsUniqueViolation(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
