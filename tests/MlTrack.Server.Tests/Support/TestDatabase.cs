using Npgsql;

namespace MlTrack.Server.Tests.Support;

/// <summary>
/// Which backend the server tests run on. By default each server gets a fresh SQLite file. With the environment
/// variable MLTRACK_TEST_POSTGRES set to an Npgsql connection string of a PostgreSQL server the tests may create
/// databases on (e.g. "Host=127.0.0.1;Port=5432;Username=postgres;Password=..."), every server gets its own new
/// database there instead, dropped when the server stops. scripts/test.sh starts a throw-away cluster and runs the
/// suite both ways; to run against your own server:
/// <code>MLTRACK_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=postgres" dotnet test tests/MlTrack.Server.Tests</code>
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    public const string Variable = "MLTRACK_TEST_POSTGRES";

    /// <summary>Tests that only make sense on one SQLite file (its files, its single writer) carry this category.</summary>
    public const string SqliteOnly = "SqliteOnly";

    private readonly string? _name;

    private TestDatabase(string backendStoreUri, string? name, string? connectionString = null)
    {
        BackendStoreUri = backendStoreUri;
        _name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The configured server's connection string, on its maintenance database (postgres) unless one is named.</summary>
    public static string? PostgresServer
    {
        get
        {
            if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } value)
            {
                return null;
            }

            var builder = new NpgsqlConnectionStringBuilder(value);
            builder.Database ??= "postgres";
            return builder.ConnectionString;
        }
    }

    public static bool IsPostgres => PostgresServer is not null;

    /// <summary>The --backend-store-uri of the new database.</summary>
    public string BackendStoreUri { get; }

    /// <summary>The new PostgreSQL database's Npgsql connection string (null for SQLite), for tests that write it directly.</summary>
    public string? ConnectionString { get; }

    /// <summary>A new, empty database: a SQLite file in <paramref name="directory"/>, or a PostgreSQL database when configured.</summary>
    public static async Task<TestDatabase> CreateAsync(string directory)
    {
        if (PostgresServer is not { } server)
        {
            return new TestDatabase($"sqlite:///{directory}/mlruns.db", null);
        }

        var name = "mltrack_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(server);
        var user = Uri.EscapeDataString(builder.Username ?? "postgres");
        var password = builder.Password is { } p ? ":" + Uri.EscapeDataString(p) : "";
        return new TestDatabase($"postgresql://{user}{password}@{builder.Host}:{builder.Port}/{name}", name,
            new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_name is null || PostgresServer is not { } server)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
