using Dapper;
using Microsoft.Data.Sqlite;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteTrackingStore
{
    internal const string RunNameTag = StoreRules.RunNameTag;

    private const string RunColumns = StoreColumns.Run;

    public Task<Run> CreateRunAsync(NewRun run, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var experimentId = ParseExperimentId(run.ExperimentId);
            var experiment = connection.QuerySingleOrDefault<(string LifecycleStage, string ArtifactLocation)?>(
                "SELECT lifecycle_stage, artifact_location FROM experiments WHERE experiment_id = @experimentId", new { experimentId })
                ?? throw ExperimentNotFound(run.ExperimentId);
            if (experiment.LifecycleStage != LifecycleStage.Active)
            {
                throw MlflowException.InvalidParameter(
                    $"The experiment {run.ExperimentId} must be in the 'active' state. Current state is {experiment.LifecycleStage}.");
            }

            var (name, distinctTags) = StoreRules.NameRun(run);

            var runId = Guid.NewGuid().ToString("N");
            var info = new RunInfo(
                runId, run.ExperimentId, name, run.UserId, RunStatus.RUNNING, run.StartTime, null,
                ArtifactUris.Append(experiment.ArtifactLocation, runId, "artifacts"), LifecycleStage.Active);
            var key = connection.ExecuteScalar<long>(
                """
                INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, lifecycle_stage, artifact_uri)
                VALUES (@runId, @experimentId, @name, @userId, 'RUNNING', @startTime, 'active', @artifactUri) RETURNING id
                """,
                new { runId, experimentId, name, userId = run.UserId, startTime = run.StartTime, artifactUri = info.ArtifactUri });
            connection.Execute("INSERT INTO tags (run_id, key, value) VALUES (@runKey, @Key, @Value)", distinctTags.Select(t => new { runKey = key, t.Key, t.Value }));
            return new Run(info, new RunData([], [], [.. distinctTags.OrderBy(t => t.Key, StringComparer.Ordinal)]), null);
        }, cancellationToken);

    public async Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            $"SELECT {RunColumns} FROM runs r WHERE r.run_uuid = @runId", new { runId }, cancellationToken: cancellationToken))
            ?? throw RunNotFound(runId);
        return (await LoadRunsAsync(connection, [row], cancellationToken))[0];
    }

    public Task<RunInfo> UpdateRunAsync(string runId, RunStatus? status, long? endTime, string? runName, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var key = ActiveRunKey(connection, runId);
            connection.Execute(
                """
                UPDATE runs SET status = coalesce(@status, status), end_time = coalesce(@endTime, end_time), name = coalesce(@runName, name)
                WHERE id = @key
                """,
                new { status = status?.ToString(), endTime, runName = string.IsNullOrEmpty(runName) ? null : runName, key });
            if (!string.IsNullOrEmpty(runName))
            {
                connection.Execute("INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (@key, @tag, @runName)", new { key, tag = RunNameTag, runName });
            }

            return connection.QuerySingle<RunRow>($"SELECT {RunColumns} FROM runs r WHERE r.id = @key", new { key }).ToInfo();
        }, cancellationToken);

    public Task DeleteRunAsync(string runId, CancellationToken cancellationToken) =>
        SetRunStageAsync(runId, LifecycleStage.Deleted, cancellationToken);

    public Task RestoreRunAsync(string runId, CancellationToken cancellationToken) =>
        SetRunStageAsync(runId, LifecycleStage.Active, cancellationToken);

    // Idempotent both ways, as MLflow's.
    private Task SetRunStageAsync(string runId, string stage, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var key = RunKey(connection, runId);
            connection.Execute(
                "UPDATE runs SET lifecycle_stage = @stage, deleted_time = @deletedTime WHERE id = @key",
                new { stage, key, deletedTime = stage == LifecycleStage.Deleted ? Now : (long?)null });
        }, cancellationToken);

    /// <summary>Loads params, tags, latest metrics and inputs of the given runs with one query per table.</summary>
    private static Task<IReadOnlyList<Run>> LoadRunsAsync(SqliteConnection connection, List<RunRow> rows, CancellationToken cancellationToken) =>
        RunLoader.LoadAsync(new SqliteRunPageRows(connection, rows.Select(r => r.Id)), rows, cancellationToken);
}
