using Dapper;
using MlTrack.Server.Domain;
using Npgsql;
using static MlTrack.Server.Storage.StoreRules;

namespace MlTrack.Server.Storage.Postgres;

internal sealed partial class PostgresTrackingStore
{
    public Task<Run> CreateRunAsync(NewRun run, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var experimentId = ParseExperimentId(run.ExperimentId);
            var experiment = await connection.QuerySingleOrDefaultAsync<(string LifecycleStage, string ArtifactLocation)?>(
                "SELECT lifecycle_stage, artifact_location FROM experiments WHERE experiment_id = @experimentId FOR SHARE", new { experimentId })
                ?? throw ExperimentNotFound(run.ExperimentId);
            if (experiment.LifecycleStage != LifecycleStage.Active)
            {
                throw ExperimentNotActive(run.ExperimentId, experiment.LifecycleStage);
            }

            var (name, tags) = NameRun(run);
            var runId = Guid.NewGuid().ToString("N");
            var info = new RunInfo(
                runId, run.ExperimentId, name, run.UserId, RunStatus.RUNNING, run.StartTime, null,
                ArtifactUris.Append(experiment.ArtifactLocation, runId, "artifacts"), LifecycleStage.Active);
            var key = await connection.ExecuteScalarAsync<long>(
                """
                INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, lifecycle_stage, artifact_uri)
                VALUES (@runId, @experimentId, @name, @userId, 'RUNNING', @startTime, 'active', @artifactUri) RETURNING id
                """,
                new { runId, experimentId, name, userId = run.UserId, startTime = run.StartTime, artifactUri = info.ArtifactUri });
            await UpsertAsync(connection, "tags", "run_id", key, tags);
            return new Run(info, new RunData([], [], [.. tags.OrderBy(t => t.Key, StringComparer.Ordinal)]), null);
        }, cancellationToken);

    public async Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            $"SELECT {StoreColumns.Run} FROM runs r WHERE r.run_uuid = @runId", new { runId }, cancellationToken: cancellationToken))
            ?? throw RunNotFound(runId);
        return (await LoadRunsAsync(connection, [row], cancellationToken))[0];
    }

    public Task<RunInfo> UpdateRunAsync(string runId, RunStatus? status, long? endTime, string? runName, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var key = await ActiveRunKeyAsync(connection, runId, lockRun: true);
            await connection.ExecuteAsync(
                """
                UPDATE runs SET status = coalesce(@status, status), end_time = coalesce(@endTime, end_time), name = coalesce(@runName, name)
                WHERE id = @key
                """,
                new { status = status?.ToString(), endTime, runName = string.IsNullOrEmpty(runName) ? null : runName, key });
            if (!string.IsNullOrEmpty(runName))
            {
                await UpsertAsync(connection, "tags", "run_id", key, [new KeyValue(RunNameTag, runName)]);
            }

            return (await connection.QuerySingleAsync<RunRow>($"SELECT {StoreColumns.Run} FROM runs r WHERE r.id = @key", new { key })).ToInfo();
        }, cancellationToken);

    public Task DeleteRunAsync(string runId, CancellationToken cancellationToken) => SetRunStageAsync(runId, LifecycleStage.Deleted, cancellationToken);

    public Task RestoreRunAsync(string runId, CancellationToken cancellationToken) => SetRunStageAsync(runId, LifecycleStage.Active, cancellationToken);

    // Idempotent both ways, as MLflow's.
    private Task SetRunStageAsync(string runId, string stage, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var key = await RunKeyAsync(connection, runId);
            await connection.ExecuteAsync(
                "UPDATE runs SET lifecycle_stage = @stage, deleted_time = @deletedTime WHERE id = @key",
                new { stage, key, deletedTime = stage == LifecycleStage.Deleted ? Now : (long?)null });
        }, cancellationToken);

    public async Task<Page<Run>> SearchRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        var experimentIds = RunSearchSql.ExperimentKeys(query.ExperimentIds);
        if (experimentIds.Count == 0)
        {
            return new Page<Run>([], null);
        }

        var sql = new PostgresFilterSql();
        var page = RunSearchSql.PageQuery(sql, query, experimentIds);
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        List<long> ids;
        object[] last;
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(page.Text, sql.Parameters, cancellationToken: cancellationToken)))
        {
            (ids, last) = await RunSearchSql.ReadPageAsync(reader, page, cancellationToken);
        }

        var rows = (await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"SELECT {StoreColumns.Run} FROM runs r WHERE r.id = ANY(@ids)", new { ids = ids.ToArray() }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Id);
        var runs = await LoadRunsAsync(connection, [.. ids.Select(id => rows[id])], cancellationToken);
        return new Page<Run>(runs, RunSearchSql.NextToken(query, page, runs.Count, last));
    }

    /// <summary>Loads params, tags, latest metrics and inputs of the given runs with one query per table.</summary>
    private static Task<IReadOnlyList<Run>> LoadRunsAsync(NpgsqlConnection connection, List<RunRow> rows, CancellationToken cancellationToken) =>
        RunLoader.LoadAsync(new PostgresRunPageRows(connection, [.. rows.Select(r => r.Id)]), rows, cancellationToken);
}
