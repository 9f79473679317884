using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// The tracking store on SQLite. Reads use pooled connections; every write goes through the
/// database's single writer, where state checks (run active, param unchanged) and the change itself run
/// in one transaction. Split by area into partial files.
/// </summary>
internal sealed partial class SqliteTrackingStore : ITrackingStore, IDisposable
{
    private readonly SqliteDatabase _db;
    private readonly string _defaultArtifactRoot;
    private readonly TimeProvider _time;

    public SqliteTrackingStore(SqliteDatabase db, string defaultArtifactRoot, TimeProvider time)
    {
        _db = db;
        _defaultArtifactRoot = defaultArtifactRoot;
        _time = time;
        EnsureDefaultExperiment();
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public void Dispose() => _metricWriter?.Dispose();

    // The Default experiment (id 0) exists from the first start, as in MLflow.
    private void EnsureDefaultExperiment() =>
        _db.Writer.ExecuteAsync(connection => connection.Execute(
            """
            INSERT OR IGNORE INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            VALUES (0, 'Default', @location, 'active', @now, @now)
            """,
            new { location = ArtifactUris.Append(_defaultArtifactRoot, "0"), now = Now })).GetAwaiter().GetResult();

    /// <summary>Experiment ids are integers stored as text on the wire; anything else names no experiment.</summary>
    private static long ParseExperimentId(string experimentId) =>
        long.TryParse(experimentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw ExperimentNotFound(experimentId);

    private static MlflowException ExperimentNotFound(string experimentId) =>
        MlflowException.NotFound($"No Experiment with id={experimentId} exists");

    private static MlflowException RunNotFound(string runId) => MlflowException.NotFound($"Run with id={runId} not found");

    /// <summary>The internal key of an active run, checked on the writer (MLflow's _check_run_is_active).</summary>
    private static long ActiveRunKey(SqliteConnection connection, string runId)
    {
        var run = connection.QuerySingleOrDefault<(long Id, string LifecycleStage)?>(
            "SELECT id, lifecycle_stage FROM runs WHERE run_uuid = @runId", new { runId });
        if (run is null)
        {
            throw RunNotFound(runId);
        }

        return run.Value.LifecycleStage == LifecycleStage.Active
            ? run.Value.Id
            : throw MlflowException.InvalidParameter(
                $"The run {runId} must be in the 'active' state. Current state is {run.Value.LifecycleStage}.");
    }

    private static long RunKey(SqliteConnection connection, string runId) =>
        connection.QuerySingleOrDefault<long?>("SELECT id FROM runs WHERE run_uuid = @runId", new { runId }) ?? throw RunNotFound(runId);
}
