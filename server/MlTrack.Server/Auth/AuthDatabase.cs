using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using MlTrack.Server.Storage.Postgres;
using Npgsql;

namespace MlTrack.Server.Auth;

/// <summary>
/// Where users, grants, tokens and recent failed logins live: a SQLite file (MLflow's basic_auth.db), or a PostgreSQL
/// database, which server replicas on several hosts share (by default the tracking database, through its pool). The
/// tables are created on first use; the SQL of <see cref="AuthStore"/> is the same on both.
/// </summary>
internal sealed class AuthDatabase : IDisposable
{
    // An arbitrary constant naming "MlTrack auth schema" among the database's advisory locks.
    private const long SchemaLockKey = 0x4D4C_5472_6B41_7574;

    private readonly Func<DbConnection> _open;
    private readonly IDisposable? _owned;

    private AuthDatabase(Func<DbConnection> open, IDisposable? owned = null) => (_open, _owned) = (open, owned);

    public static AuthDatabase Sqlite(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = full, Pooling = true, DefaultTimeout = 30 }.ToString();
        var database = new AuthDatabase(() =>
        {
            var connection = new SqliteConnection(connectionString);
            connection.Open();
            connection.Execute("PRAGMA foreign_keys = ON;");
            return connection;
        });
        using var connection = database.Open();
        connection.Execute("PRAGMA journal_mode = WAL;" + Schema("INTEGER PRIMARY KEY AUTOINCREMENT"));
        return database;
    }

    /// <summary>Its own database, given by --auth-db-uri.</summary>
    public static AuthDatabase Postgres(string connectionString)
    {
        var source = NpgsqlDataSource.Create(connectionString);
        return CreatePostgresSchema(new AuthDatabase(() => source.OpenConnection(), source));
    }

    /// <summary>The tracking database, through the tracking store's connection pool.</summary>
    public static AuthDatabase Postgres(PostgresDatabase tracking) => CreatePostgresSchema(new AuthDatabase(tracking.OpenConnection));

    private static AuthDatabase CreatePostgresSchema(AuthDatabase database)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        // Replicas starting together would race on CREATE TABLE IF NOT EXISTS (a duplicate type error).
        connection.Execute("SELECT pg_advisory_xact_lock(@key)", new { key = SchemaLockKey }, transaction);
        connection.Execute(Schema("bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"), transaction: transaction);
        transaction.Commit();
        return database;
    }

    public DbConnection Open() => _open();

    public void Dispose() => _owned?.Dispose();

    /// <summary>A UNIQUE constraint refused the row (SQLite's SQLITE_CONSTRAINT, PostgreSQL's unique_violation).</summary>
    public static bool IsUniqueViolation(DbException e) =>
        e is SqliteException { SqliteErrorCode: 19 } || PostgresDatabase.IsUniqueViolation(e);

    private static string Schema(string id) => $"""
        CREATE TABLE IF NOT EXISTS users (
            id {id},
            username TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            is_admin INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS experiment_permissions (
            id {id},
            experiment_id TEXT NOT NULL,
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            permission TEXT NOT NULL,
            UNIQUE (experiment_id, user_id));
        CREATE TABLE IF NOT EXISTS registered_model_permissions (
            id {id},
            name TEXT NOT NULL,
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            permission TEXT NOT NULL,
            UNIQUE (name, user_id));
        CREATE TABLE IF NOT EXISTS login_failures (
            client TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            since BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS tokens (
            id {id},
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            created_at BIGINT NOT NULL);
        """;
}
