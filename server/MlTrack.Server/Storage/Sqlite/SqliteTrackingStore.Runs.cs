using Dapper;
using Microsoft.Data.Sqlite;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteTrackingStore
{
    internal const string RunNameTag = "mlflow.runName";

    private const string RunColumns =
        "r.id AS Id, r.run_uuid AS RunUuid, r.experiment_id AS ExperimentId, r.name AS Name, r.user_id AS UserId, r.status AS Status, "
        + "r.start_time AS StartTime, r.end_time AS EndTime, r.artifact_uri AS ArtifactUri, r.lifecycle_stage AS LifecycleStage";

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

            var tags = run.Tags.ToList();
            var nameTag = tags.LastOrDefault(t => t.Key == RunNameTag)?.Value;
            if (!string.IsNullOrEmpty(run.RunName) && !string.IsNullOrEmpty(nameTag) && run.RunName != nameTag)
            {
                throw MlflowException.InvalidParameter(
                    "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values "
                    + $"(run_name='{run.RunName}', mlflow.runName='{nameTag}').");
            }

            var name = !string.IsNullOrEmpty(run.RunName) ? run.RunName : !string.IsNullOrEmpty(nameTag) ? nameTag : RunNames.Generate();
            if (string.IsNullOrEmpty(nameTag))
            {
                tags.Add(new KeyValue(RunNameTag, name));
            }

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
            var distinctTags = tags.GroupBy(t => t.Key).Select(g => g.Last()).ToList();
            connection.Execute("INSERT INTO tags (run_id, key, value) VALUES (@key, @Key, @Value)", distinctTags.Select(t => new { key, t.Key, t.Value }));
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
    private static async Task<IReadOnlyList<Run>> LoadRunsAsync(SqliteConnection connection, IReadOnlyList<RunRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = new { ids = System.Text.Json.JsonSerializer.Serialize(rows.Select(r => r.Id)) };
        const string InRuns = "run_id IN (SELECT value FROM json_each(@ids))";
        var parameters = (await connection.QueryAsync<(long RunId, string Key, string Value)>(new CommandDefinition(
            $"SELECT run_id, key, value FROM params WHERE {InRuns} ORDER BY run_id, key", ids, cancellationToken: cancellationToken)))
            .ToLookup(p => p.RunId, p => new KeyValue(p.Key, p.Value));
        var tags = (await connection.QueryAsync<(long RunId, string Key, string Value)>(new CommandDefinition(
            $"SELECT run_id, key, value FROM tags WHERE {InRuns} ORDER BY run_id, key", ids, cancellationToken: cancellationToken)))
            .ToLookup(t => t.RunId, t => new KeyValue(t.Key, t.Value));
        var metrics = (await connection.QueryAsync<(long RunId, string Key, double Value, long Timestamp, long Step, bool IsNan)>(new CommandDefinition(
            $"SELECT run_id, key, value, timestamp, step, is_nan FROM latest_metrics WHERE {InRuns} ORDER BY run_id, key", ids,
            cancellationToken: cancellationToken)))
            .ToLookup(m => m.RunId, m => new Metric(m.Key, m.IsNan ? double.NaN : m.Value, m.Timestamp, m.Step));
        var inputs = await LoadInputsAsync(connection, ids, cancellationToken);

        return [.. rows.Select(r => new Run(
            r.ToInfo(),
            new RunData([.. metrics[r.Id]], [.. parameters[r.Id]], [.. tags[r.Id]]),
            new RunInputs([.. inputs[r.Id]])))];
    }

    private sealed record RunRow(
        long Id, string RunUuid, long ExperimentId, string Name, string UserId, string Status, long StartTime, long? EndTime,
        string ArtifactUri, string LifecycleStage)
    {
        public RunInfo ToInfo() => new(
            RunUuid, ExperimentId.ToString(System.Globalization.CultureInfo.InvariantCulture), Name, UserId,
            Enum.Parse<RunStatus>(Status), StartTime, EndTime, ArtifactUri, LifecycleStage);
    }
}
