using System.Globalization;
using Dapper;
using MlTrack.Server.Domain;
using Npgsql;
using static MlTrack.Server.Storage.StoreRules;

namespace MlTrack.Server.Storage.Postgres;

/// <summary>
/// The tracking store on PostgreSQL, safe for several server replicas on one database: every write is one
/// transaction whose checks and changes see the database rather than anything held in this process; unique
/// constraints and ON CONFLICT settle races between replicas (names, params, datasets), row locks serialise the
/// read-modify-write cases. Split by area into partial files.
/// </summary>
internal sealed partial class PostgresTrackingStore : ITrackingStore
{
    private readonly PostgresDatabase _db;
    private readonly string _defaultArtifactRoot;
    private readonly TimeProvider _time;

    public PostgresTrackingStore(PostgresDatabase db, string defaultArtifactRoot, TimeProvider time)
    {
        _db = db;
        _defaultArtifactRoot = defaultArtifactRoot;
        _time = time;
        // The Default experiment (id 0) exists from the first start, as in MLflow; replicas starting together insert it once.
        _db.WriteAsync(connection => connection.ExecuteAsync(
            """
            INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            VALUES (0, 'Default', @location, 'active', @now, @now) ON CONFLICT DO NOTHING
            """,
            new { location = ArtifactUris.Append(_defaultArtifactRoot, "0"), now = Now }), CancellationToken.None).GetAwaiter().GetResult();
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Experiment ids are integers stored as text on the wire; anything else names no experiment.</summary>
    private static long ParseExperimentId(string experimentId) =>
        long.TryParse(experimentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw ExperimentNotFound(experimentId);

    private static string FormatId(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The internal key of an active run (MLflow's _check_run_is_active); <paramref name="lockRun"/> holds the run's
    /// row until the commit, for read-modify-write of its data.
    /// </summary>
    private static async Task<long> ActiveRunKeyAsync(NpgsqlConnection connection, string runId, bool lockRun = false)
    {
        var run = await connection.QuerySingleOrDefaultAsync<(long Id, string LifecycleStage)?>(
            $"SELECT id, lifecycle_stage FROM runs WHERE run_uuid = @runId{(lockRun ? " FOR UPDATE" : " FOR SHARE")}", new { runId })
            ?? throw RunNotFound(runId);
        return run.LifecycleStage == LifecycleStage.Active ? run.Id : throw RunNotActive(runId, run.LifecycleStage);
    }

    private static async Task<long> RunKeyAsync(NpgsqlConnection connection, string runId) =>
        await connection.QuerySingleOrDefaultAsync<long?>("SELECT id FROM runs WHERE run_uuid = @runId", new { runId }) ?? throw RunNotFound(runId);

    private static async Task<string?> ExperimentStageAsync(NpgsqlConnection connection, long id, bool lockRow = false) =>
        await connection.QuerySingleOrDefaultAsync<string?>(
            $"SELECT lifecycle_stage FROM experiments WHERE experiment_id = @id{(lockRow ? " FOR UPDATE" : "")}", new { id });

    private static async Task<long> ActiveExperimentKeyAsync(NpgsqlConnection connection, string experimentId)
    {
        var id = ParseExperimentId(experimentId);
        var stage = await ExperimentStageAsync(connection, id) ?? throw ExperimentNotFound(experimentId);
        return stage == LifecycleStage.Active ? id : throw ExperimentNotActive(experimentId, stage);
    }

    /// <summary>Upserts tags, one row per key (the last value of a repeated key wins), in key order so that concurrent writers lock alike.</summary>
    private static async Task UpsertAsync(NpgsqlConnection connection, string table, string owner, long ownerKey, IEnumerable<KeyValue> pairs)
    {
        var rows = pairs.GroupBy(p => p.Key, StringComparer.Ordinal).Select(g => g.Last()).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        if (rows.Count > 0)
        {
            await connection.ExecuteAsync(
                $"""
                INSERT INTO {table} ({owner}, key, value) SELECT @ownerKey, k, v FROM unnest(@keys, @values) AS t (k, v)
                ON CONFLICT ({owner}, key) DO UPDATE SET value = excluded.value
                """,
                new { ownerKey, keys = rows.Select(r => r.Key).ToArray(), values = rows.Select(r => r.Value).ToArray() });
        }
    }
}
