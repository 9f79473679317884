using Dapper;
using Microsoft.Data.Sqlite;
using MlTrack.Server.Storage.Sqlite;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Storage;

/// <summary>
/// Migration 0003 moves metric points from text keys to interned key ids: a database written before it must
/// answer the same afterwards, and go on taking points.
/// </summary>
public sealed class MetricKeyMigrationTests : MigrationTestBase
{
    private const string RunId = "0123456789abcdef0123456789abcdef";
    [Test]
    public async Task PointsWrittenWithTextKeysReadBackAndTakeNewPointsAfterTheMigration()
    {
        var database = Path.Combine(Folder, "mlruns.db");
        CreateVersion2Database(database);

        await using var server = await RunningServer.StartAsync(options => options with { BackendStoreUri = $"sqlite:///{database}" });

        var history = await HistoryAsync(server, "loss");
        history.Should().Equal(
            (1000L, 0L, "0.5"), (1001L, 1L, "NaN"), (1002L, 2L, "0.25"), (1002L, 2L, "0.3"));
        (await HistoryAsync(server, "acc")).Should().Equal((1000L, 0L, "0.9"));

        // The same point again is a duplicate; a new step and a new key are stored.
        (await server.PostAsync("/api/2.0/mlflow/runs/log-batch", new
        {
            run_id = RunId,
            metrics = new object[]
            {
                new { key = "loss", value = 0.25, timestamp = 1002, step = 2 },
                new { key = "loss", value = 0.125, timestamp = 1003, step = 3 },
                new { key = "lr", value = 0.01, timestamp = 1003, step = 3 },
            },
        })).EnsureOk();

        (await HistoryAsync(server, "loss")).Should().HaveCount(5).And.EndWith((1003L, 3L, "0.125"));
        (await HistoryAsync(server, "lr")).Should().Equal((1003L, 3L, "0.01"));

        var search = await server.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { "1" }, filter = "metrics.loss < 0.2" });
        search.EnsureOk();
        search.Json.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_id").GetString())
            .Should().Equal(RunId);

        await using var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        connection.Query<string>("SELECT key FROM metric_keys ORDER BY id").Should().Equal("acc", "loss", "lr");
        connection.Query<string>("SELECT name FROM pragma_table_info('metrics')")
            .Should().Equal("run_id", "key_id", "timestamp", "step", "value", "is_nan");
    }

    private static async Task<List<(long Timestamp, long Step, string Value)>> HistoryAsync(RunningServer server, string key)
    {
        var response = await server.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={RunId}&metric_key={key}");
        response.EnsureOk();
        return response.Json.GetProperty("metrics").EnumerateArray()
            .Select(m => (m.GetProperty("timestamp").GetInt64(), m.GetProperty("step").GetInt64(), m.GetProperty("value").ToString()))
            .ToList();
    }

    /// <summary>A database as migrations 0001 and 0002 left it, with points stored under their key text.</summary>
    private static void CreateVersion2Database(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        connection.Execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_time INTEGER NOT NULL)");
        foreach (var name in new[] { "0001_tracking", "0002_model_registry" })
        {
            using var stream = typeof(SqliteDatabase).Assembly.GetManifestResourceStream($"MlTrack.Server.Storage.Sqlite.Migrations.{name}.sql")!;
            connection.Execute(new StreamReader(stream).ReadToEnd());
            connection.Execute("INSERT INTO schema_version VALUES (@version, @name, 0)", new { version = int.Parse(name[..4], System.Globalization.CultureInfo.InvariantCulture), name });
        }

        connection.Execute(
            """
            INSERT INTO experiments VALUES (0, 'Default', '/tmp/a/0', 'active', 0, 0), (1, 'old', '/tmp/a/1', 'active', 0, 0);
            INSERT INTO runs VALUES (1, @RunId, 1, 'old-run', 'me', 'RUNNING', 1000, NULL, NULL, 'active', '/tmp/a/1/r/artifacts');
            INSERT INTO metrics (run_id, key, timestamp, step, value, is_nan) VALUES
                (1, 'loss', 1000, 0, 0.5, 0), (1, 'loss', 1001, 1, 0, 1), (1, 'loss', 1002, 2, 0.25, 0), (1, 'loss', 1002, 2, 0.3, 0),
                (1, 'acc', 1000, 0, 0.9, 0);
            INSERT INTO latest_metrics (run_id, key, value, timestamp, step, is_nan) VALUES (1, 'loss', 0.3, 1002, 2, 0), (1, 'acc', 0.9, 1000, 0, 0);
            """,
            new { RunId });
    }
}
