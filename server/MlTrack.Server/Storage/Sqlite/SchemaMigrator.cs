using Dapper;
using Microsoft.Data.Sqlite;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// Applies the embedded Migrations/NNNN_name.sql scripts that the database has not seen yet, in order,
/// each in its own transaction, and records them in schema_version.
/// </summary>
internal static class SchemaMigrator
{
    private const string ResourcePrefix = "MlTrack.Server.Storage.Sqlite.Migrations.";

    public static void Apply(SqliteConnection connection)
    {
        connection.Execute("""
            CREATE TABLE IF NOT EXISTS schema_version (
                version      INTEGER PRIMARY KEY,
                name         TEXT    NOT NULL,
                applied_time INTEGER NOT NULL
            )
            """);
        var applied = connection.Query<long>("SELECT version FROM schema_version").ToHashSet();

        foreach (var (version, name, sql) in MigrationScripts.Read(ResourcePrefix))
        {
            if (applied.Contains(version))
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            connection.Execute(sql, transaction: transaction);
            connection.Execute(
                "INSERT INTO schema_version (version, name, applied_time) VALUES (@version, @name, @now)",
                new { version, name, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                transaction);
            transaction.Commit();
        }
    }
}
