using Dapper;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using Npgsql;
using static MlTrack.Server.Storage.StoreRules;

namespace MlTrack.Server.Storage.Postgres;

internal sealed partial class PostgresTrackingStore
{
    public async Task<string> CreateExperimentAsync(
        string name, string? artifactLocation, IReadOnlyList<KeyValue> tags, CancellationToken cancellationToken)
    {
        try
        {
            return await _db.WriteAsync(async connection =>
            {
                if (await connection.ExecuteScalarAsync<long?>("SELECT experiment_id FROM experiments WHERE name = @name", new { name }) is not null)
                {
                    throw ExperimentExists(name);
                }

                var now = Now;
                var id = await connection.ExecuteScalarAsync<long>(
                    """
                    INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (@name, '', 'active', @now, @now) RETURNING experiment_id
                    """,
                    new { name, now });
                var location = string.IsNullOrEmpty(artifactLocation) ? ArtifactUris.Append(_defaultArtifactRoot, FormatId(id)) : artifactLocation;
                await connection.ExecuteAsync("UPDATE experiments SET artifact_location = @location WHERE experiment_id = @id", new { location, id });
                await UpsertAsync(connection, "experiment_tags", "experiment_id", id, tags);
                return FormatId(id);
            }, cancellationToken);
        }
        catch (PostgresException e) when (PostgresDatabase.IsUniqueViolation(e))
        {
            // Another replica created the same name between the check and the insert.
            throw ExperimentExists(name);
        }
    }

    public async Task<Experiment> GetExperimentAsync(string experimentId, CancellationToken cancellationToken)
    {
        var id = ParseExperimentId(experimentId);
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        return await ReadExperimentAsync(connection, "experiment_id = @id", new { id }, cancellationToken) ?? throw ExperimentNotFound(experimentId);
    }

    public async Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        return await ReadExperimentAsync(connection, "name = @name", new { name }, cancellationToken);
    }

    public async Task RenameExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken)
    {
        try
        {
            await _db.WriteAsync(async connection =>
            {
                var id = ParseExperimentId(experimentId);
                var stage = await ExperimentStageAsync(connection, id, lockRow: true) ?? throw ExperimentNotFound(experimentId);
                if (stage != LifecycleStage.Active)
                {
                    // MLflow answers INVALID_STATE (HTTP 500), which makes its client retry for a minute; a 400 says the same at once.
                    throw MlflowException.InvalidParameter("Cannot rename a non-active experiment.");
                }

                if (await connection.ExecuteScalarAsync<long?>(
                        "SELECT experiment_id FROM experiments WHERE name = @newName AND experiment_id <> @id", new { newName, id }) is not null)
                {
                    throw RenameTaken(newName);
                }

                await connection.ExecuteAsync(
                    "UPDATE experiments SET name = @newName, last_update_time = @now WHERE experiment_id = @id", new { newName, id, now = Now });
            }, cancellationToken);
        }
        catch (PostgresException e) when (PostgresDatabase.IsUniqueViolation(e))
        {
            throw RenameTaken(newName);
        }
    }

    public Task DeleteExperimentAsync(string experimentId, CancellationToken cancellationToken) =>
        SetExperimentStageAsync(experimentId, LifecycleStage.Active, LifecycleStage.Deleted, cancellationToken);

    public Task RestoreExperimentAsync(string experimentId, CancellationToken cancellationToken) =>
        SetExperimentStageAsync(experimentId, LifecycleStage.Deleted, LifecycleStage.Active, cancellationToken);

    public Task SetExperimentTagAsync(string experimentId, KeyValue tag, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
            await UpsertAsync(connection, "experiment_tags", "experiment_id", await ActiveExperimentKeyAsync(connection, experimentId), [tag]),
            cancellationToken);

    public Task DeleteExperimentTagAsync(string experimentId, string key, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var id = await ActiveExperimentKeyAsync(connection, experimentId);
            if (await connection.ExecuteAsync("DELETE FROM experiment_tags WHERE experiment_id = @id AND key = @key", new { id, key }) == 0)
            {
                throw MlflowException.NotFound($"No tag with name: {key} in experiment with id {experimentId}");
            }
        }, cancellationToken);

    private static MlflowException ExperimentExists(string name) => MlflowException.AlreadyExists($"Experiment(name={name}) already exists.");

    private static MlflowException RenameTaken(string name) => MlflowException.BadRequest($"Experiment(name={name}) already exists.");

    /// <summary>Deletes or restores an experiment together with all its runs (MLflow cascades both ways).</summary>
    private Task SetExperimentStageAsync(string experimentId, string from, string to, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var id = ParseExperimentId(experimentId);
            if (await ExperimentStageAsync(connection, id, lockRow: true) != from)
            {
                throw ExperimentNotFound(experimentId);
            }

            var now = Now;
            await connection.ExecuteAsync(
                "UPDATE experiments SET lifecycle_stage = @to, last_update_time = @now WHERE experiment_id = @id", new { to, now, id });
            await connection.ExecuteAsync(
                "UPDATE runs SET lifecycle_stage = @to, deleted_time = @deletedTime WHERE experiment_id = @id",
                new { to, id, deletedTime = to == LifecycleStage.Deleted ? now : (long?)null });
        }, cancellationToken);

    private static async Task<Experiment?> ReadExperimentAsync(
        NpgsqlConnection connection, string where, object parameters, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ExperimentRow>(
            new CommandDefinition($"SELECT {StoreColumns.Experiment} FROM experiments WHERE {where}", parameters, cancellationToken: cancellationToken));
        return row is null ? null : row.ToExperiment(await ReadExperimentTagsAsync(connection, [row.ExperimentId], cancellationToken));
    }

    private static async Task<ILookup<long, KeyValue>> ReadExperimentTagsAsync(
        NpgsqlConnection connection, long[] ids, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(long ExperimentId, string Key, string Value)>(new CommandDefinition(
            "SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id = ANY(@ids) ORDER BY key",
            new { ids }, cancellationToken: cancellationToken));
        return rows.ToLookup(r => r.ExperimentId, r => new KeyValue(r.Key, r.Value));
    }

    public async Task<Page<Experiment>> SearchExperimentsAsync(ExperimentQuery query, CancellationToken cancellationToken)
    {
        var sql = new PostgresFilterSql();
        var text = SearchSql.Experiments(sql, query);
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ExperimentRow>(new CommandDefinition(text, sql.Parameters, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(query.MaxResults).ToList();
        var tags = await ReadExperimentTagsAsync(connection, [.. page.Select(r => r.ExperimentId)], cancellationToken);
        return new Page<Experiment>([.. page.Select(r => r.ToExperiment(tags))], SearchSql.NextToken(query.Offset, query.MaxResults, rows.Count));
    }
}
