using Dapper;
using Npgsql;

namespace MlTrack.Server.Storage.Postgres;

/// <summary>
/// Applies the embedded Migrations/NNNN_name.sql scripts that the database has not seen yet, in order, and records
/// them in schema_version. Everything runs in one transaction holding a transaction-level advisory lock, so when
/// several replicas start at once one migrates and the others wait, then find nothing left to do.
/// </summary>
internal static class PostgresMigrator
{
    private const string ResourcePrefix = "MlTrack.Server.Storage.Postgres.Migrations.";

    // An arbitrary constant naming "MlTrack schema migration" among the database's advisory locks.
    private const long LockKey = 0x4D6C547261636BL;

    public static void Apply(NpgsqlConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        connection.Execute("SELECT pg_advisory_xact_lock(@key)", new { key = LockKey }, transaction);
        connection.Execute("""
            CREATE TABLE IF NOT EXISTS schema_version (
                version      BIGINT PRIMARY KEY,
                name         TEXT   NOT NULL,
                applied_time BIGINT NOT NULL
            )
            """, transaction: transaction);
        var applied = connection.Query<long>("SELECT version FROM schema_version", transaction: transaction).ToHashSet();
        foreach (var (version, name, sql) in MigrationScripts.Read(ResourcePrefix).Where(s => !applied.Contains(s.Version)))
        {
            connection.Execute(sql, transaction: transaction);
            connection.Execute(
                "INSERT INTO schema_version (version, name, applied_time) VALUES (@version, @name, @now)",
                new { version, name, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                transaction);
        }

        transaction.Commit();
    }
}
