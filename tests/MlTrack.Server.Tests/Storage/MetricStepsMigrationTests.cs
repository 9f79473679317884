using Dapper;
using Microsoft.Data.Sqlite;
using MlTrack.Server.Storage.Sqlite;
using MlTrack.Server.Tests.Support;
using Npgsql;

namespace MlTrack.Server.Tests.Storage;

/// <summary>
/// Migration 0005 builds metric_steps (which steps each series has, 64 to a row) from the points already stored: a
/// database written before it must answer get-history-bulk-interval as MLflow would afterwards, and keep it right as
/// new points arrive. Runs on the configured backend (SQLite, or PostgreSQL with MLTRACK_TEST_POSTGRES).
/// </summary>
public sealed class MetricStepsMigrationTests : MigrationTestBase
{
    private const string RunId = "0123456789abcdef0123456789abcdef";

    // A negative step, two points at step 0, the top bit of two blocks (63, 127, -1), a point logged before the ones
    // of smaller steps, and a far step.
    private static readonly (long Step, long Timestamp, double Value)[] Loss =
        [(-1, 5, 0.125), (0, 10, 0.5), (0, 11, 0.25), (63, 20, 0.75), (64, 30, 0.375), (127, 3, 0.625), (5000, 40, 0.875)];

    [Test]
    public async Task PointsWrittenBeforeTheMigrationAreSampledAfterItAndNewPointsJoinThem()
    {
        await using var database = await TestDatabase.CreateAsync(Folder);
        if (database.ConnectionString is { } postgres)
        {
            await CreatePostgresBefore0005Async(postgres);
        }
        else
        {
            CreateSqliteBefore0005(Path.Combine(Folder, "mlruns.db"));
        }

        await using (var server = await RunningServer.StartAsync(options => options with { BackendStoreUri = database.BackendStoreUri }))
        {
            await ExpectMlflowsAnswersAsync(server, Loss);
            (await HistoryAsync(server, "acc", "")).Should().Equal((7L, 1000L, 0.5));

            // A point again (a duplicate), steps in the same blocks as old ones, and a new block.
            (await server.PostAsync("/api/2.0/mlflow/runs/log-batch", new
            {
                run_id = RunId,
                metrics = new[]
                {
                    new { key = "loss", value = 0.5, timestamp = 10L, step = 0L },
                    new { key = "loss", value = 0.0625, timestamp = 1L, step = 1L },
                    new { key = "loss", value = 0.03125, timestamp = 50L, step = 126L },
                    new { key = "loss", value = 0.015625, timestamp = 60L, step = 128L },
                },
            })).EnsureOk();

            await ExpectMlflowsAnswersAsync(server, [.. Loss, (1, 1, 0.0625), (126, 50, 0.03125), (128, 60, 0.015625)]);
        }
    }

    private static async Task ExpectMlflowsAnswersAsync(RunningServer server, (long Step, long Timestamp, double Value)[] points)
    {
        var steps = points.Select(p => p.Step).ToList();
        foreach (var (maxResults, start, end) in new (int, long?, long?)[] { (2500, null, null), (2, null, null), (3, -10, 200), (1, 64, 64), (2500, -1, 63), (2, 128, 6000) })
        {
            var query = $"&max_results={maxResults}" + (start is null ? "" : $"&start_step={start}&end_step={end}");
            var expected = MlflowSampling.PointsAt(points, MlflowSampling.SampledSteps([steps], start, end, maxResults));
            (await HistoryAsync(server, "loss", query)).Should().Equal(expected, query);
        }
    }

    private static async Task<List<(long Step, long Timestamp, double Value)>> HistoryAsync(RunningServer server, string key, string query)
    {
        var response = await server.GetAsync($"/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids={RunId}&metric_key={key}{query}");
        response.EnsureOk();
        return [.. response.Json.GetProperty("metrics").EnumerateArray()
            .Select(m => (m.GetProperty("step").GetInt64(), m.GetProperty("timestamp").GetInt64(), m.GetProperty("value").GetDouble()))];
    }

    /// <summary>A SQLite database as migrations 0001 to 0003 left it.</summary>
    private static void CreateSqliteBefore0005(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        connection.Execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_time INTEGER NOT NULL)");
        foreach (var name in new[] { "0001_tracking", "0002_model_registry", "0003_metric_keys" })
        {
            connection.Execute(Script("Sqlite", name));
            connection.Execute("INSERT INTO schema_version VALUES (@version, @name, 0)", new { version = Version(name), name });
        }

        connection.Execute(
            """
            INSERT INTO experiments VALUES (0, 'Default', '/tmp/a/0', 'active', 0, 0), (1, 'old', '/tmp/a/1', 'active', 0, 0);
            INSERT INTO runs VALUES (1, @RunId, 1, 'old-run', 'me', 'RUNNING', 1000, NULL, NULL, 'active', '/tmp/a/1/r/artifacts');
            INSERT INTO metric_keys (id, key) VALUES (1, 'loss'), (2, 'acc');
            INSERT INTO metrics (run_id, key_id, timestamp, step, value, is_nan) VALUES (1, 2, 1000, 7, 0.5, 0);
            INSERT INTO latest_metrics (run_id, key, value, timestamp, step, is_nan) VALUES (1, 'loss', 0.875, 40, 5000, 0), (1, 'acc', 0.5, 1000, 7, 0);
            """,
            new { RunId });
        connection.Execute(
            "INSERT INTO metrics (run_id, key_id, timestamp, step, value, is_nan) VALUES (1, 1, @Timestamp, @Step, @Value, 0)",
            Loss.Select(p => new { p.Timestamp, p.Step, p.Value }));
    }

    /// <summary>A PostgreSQL database as migrations 0001 and 0002 left it.</summary>
    private static async Task CreatePostgresBefore0005Async(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE schema_version (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_time BIGINT NOT NULL)");
        foreach (var name in new[] { "0001_tracking", "0002_model_registry" })
        {
            await connection.ExecuteAsync(Script("Postgres", name));
            await connection.ExecuteAsync("INSERT INTO schema_version VALUES (@version, @name, 0)", new { version = (long)Version(name), name });
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            VALUES (0, 'Default', '/tmp/a/0', 'active', 0, 0), (1, 'old', '/tmp/a/1', 'active', 0, 0);
            INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, lifecycle_stage, artifact_uri)
            VALUES (@RunId, 1, 'old-run', 'me', 'RUNNING', 1000, 'active', '/tmp/a/1/r/artifacts');
            INSERT INTO metrics (run_id, key, timestamp, step, value, is_nan) SELECT id, 'acc', 1000, 7, 0.5, 0 FROM runs;
            INSERT INTO latest_metrics (run_id, key, value, timestamp, step, is_nan)
            SELECT id, 'loss', 0.875, 40, 5000, 0 FROM runs UNION ALL SELECT id, 'acc', 0.5, 1000, 7, 0 FROM runs;
            """,
            new { RunId });
        await connection.ExecuteAsync(
            "INSERT INTO metrics (run_id, key, timestamp, step, value, is_nan) SELECT id, 'loss', @Timestamp, @Step, @Value, 0 FROM runs",
            Loss.Select(p => new { p.Timestamp, p.Step, p.Value }));
    }

    private static int Version(string name) => int.Parse(name[..4], System.Globalization.CultureInfo.InvariantCulture);

    private static string Script(string store, string name)
    {
        using var stream = typeof(SqliteDatabase).Assembly.GetManifestResourceStream($"MlTrack.Server.Storage.{store}.Migrations.{name}.sql")!;
        return new StreamReader(stream).ReadToEnd();
    }
}
