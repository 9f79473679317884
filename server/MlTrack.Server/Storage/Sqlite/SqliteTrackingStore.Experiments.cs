using Dapper;
using Microsoft.Data.Sqlite;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteTrackingStore
{
    private const string ExperimentColumns = StoreColumns.Experiment;

    public Task<string> CreateExperimentAsync(
        string name, string? artifactLocation, IReadOnlyList<KeyValue> tags, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            if (connection.ExecuteScalar<long?>("SELECT experiment_id FROM experiments WHERE name = @name", new { name }) is not null)
            {
                throw MlflowException.AlreadyExists($"Experiment(name={name}) already exists.");
            }

            var now = Now;
            var id = connection.ExecuteScalar<long>(
                """
                INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (@name, '', 'active', @now, @now) RETURNING experiment_id
                """,
                new { name, now });
            var experimentId = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var location = string.IsNullOrEmpty(artifactLocation) ? ArtifactUris.Append(_defaultArtifactRoot, experimentId) : artifactLocation;
            connection.Execute("UPDATE experiments SET artifact_location = @location WHERE experiment_id = @id", new { location, id });
            connection.Execute(
                "INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (@id, @Key, @Value)",
                tags.Select(t => new { id, t.Key, t.Value }));
            return experimentId;
        }, cancellationToken);

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

    public Task RenameExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var id = ParseExperimentId(experimentId);
            var stage = ExperimentStage(connection, id) ?? throw ExperimentNotFound(experimentId);
            if (stage != LifecycleStage.Active)
            {
                // MLflow answers INVALID_STATE (HTTP 500), which makes its client retry for a minute; a 400 says the same at once.
                throw MlflowException.InvalidParameter("Cannot rename a non-active experiment.");
            }

            if (connection.ExecuteScalar<long?>(
                    "SELECT experiment_id FROM experiments WHERE name = @newName AND experiment_id <> @id", new { newName, id }) is not null)
            {
                throw MlflowException.BadRequest($"Experiment(name={newName}) already exists.");
            }

            connection.Execute("UPDATE experiments SET name = @newName, last_update_time = @now WHERE experiment_id = @id", new { newName, id, now = Now });
        }, cancellationToken);

    public Task DeleteExperimentAsync(string experimentId, CancellationToken cancellationToken) =>
        SetExperimentStageAsync(experimentId, LifecycleStage.Active, LifecycleStage.Deleted, cancellationToken);

    public Task RestoreExperimentAsync(string experimentId, CancellationToken cancellationToken) =>
        SetExperimentStageAsync(experimentId, LifecycleStage.Deleted, LifecycleStage.Active, cancellationToken);

    public Task SetExperimentTagAsync(string experimentId, KeyValue tag, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var id = ActiveExperimentKey(connection, experimentId);
            connection.Execute(
                "INSERT OR REPLACE INTO experiment_tags (experiment_id, key, value) VALUES (@id, @Key, @Value)", new { id, tag.Key, tag.Value });
        }, cancellationToken);

    public Task DeleteExperimentTagAsync(string experimentId, string key, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var id = ActiveExperimentKey(connection, experimentId);
            if (connection.Execute("DELETE FROM experiment_tags WHERE experiment_id = @id AND key = @key", new { id, key }) == 0)
            {
                throw MlflowException.NotFound($"No tag with name: {key} in experiment with id {experimentId}");
            }
        }, cancellationToken);

    /// <summary>Deletes or restores an experiment together with all its runs (MLflow cascades both ways).</summary>
    private Task SetExperimentStageAsync(string experimentId, string from, string to, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var id = ParseExperimentId(experimentId);
            if (ExperimentStage(connection, id) != from)
            {
                throw ExperimentNotFound(experimentId);
            }

            var now = Now;
            connection.Execute("UPDATE experiments SET lifecycle_stage = @to, last_update_time = @now WHERE experiment_id = @id", new { to, now, id });
            connection.Execute(
                "UPDATE runs SET lifecycle_stage = @to, deleted_time = @deletedTime WHERE experiment_id = @id",
                new { to, id, deletedTime = to == LifecycleStage.Deleted ? now : (long?)null });
        }, cancellationToken);

    private static string? ExperimentStage(SqliteConnection connection, long id) =>
        connection.ExecuteScalar<string?>("SELECT lifecycle_stage FROM experiments WHERE experiment_id = @id", new { id });

    private static long ActiveExperimentKey(SqliteConnection connection, string experimentId)
    {
        var id = ParseExperimentId(experimentId);
        var stage = ExperimentStage(connection, id) ?? throw ExperimentNotFound(experimentId);
        return stage == LifecycleStage.Active
            ? id
            : throw MlflowException.InvalidParameter(
                $"The experiment {experimentId} must be in the 'active' state. Current state is {stage}.");
    }

    private static async Task<Experiment?> ReadExperimentAsync(
        SqliteConnection connection, string where, object parameters, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ExperimentRow>(
            new CommandDefinition($"SELECT {ExperimentColumns} FROM experiments WHERE {where}", parameters, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var tags = await ReadExperimentTagsAsync(connection, [row.ExperimentId], cancellationToken);
        return row.ToExperiment(tags);
    }

    private static async Task<ILookup<long, KeyValue>> ReadExperimentTagsAsync(
        SqliteConnection connection, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(long ExperimentId, string Key, string Value)>(new CommandDefinition(
            "SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN (SELECT value FROM json_each(@ids)) ORDER BY key",
            new { ids = System.Text.Json.JsonSerializer.Serialize(ids) },
            cancellationToken: cancellationToken));
        return rows.ToLookup(r => r.ExperimentId, r => new KeyValue(r.Key, r.Value));
    }
}
