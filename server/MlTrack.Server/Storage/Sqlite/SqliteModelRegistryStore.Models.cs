using Dapper;
using MlTrack.Server.Domain;

using static MlTrack.Server.Storage.RegistryErrors;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteModelRegistryStore
{
    public Task<RegisteredModel> CreateRegisteredModelAsync(
        string name, IReadOnlyList<KeyValue> tags, string? description, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            if (connection.ExecuteScalar<long?>("SELECT id FROM registered_models WHERE name = @name", new { name }) is not null)
            {
                throw ModelExists(name);
            }

            var now = Now;
            var modelId = connection.ExecuteScalar<long>(
                """
                INSERT INTO registered_models (name, creation_time, last_updated_time, description)
                VALUES (@name, @now, @now, @description) RETURNING id
                """,
                new { name, now, description });
            connection.Execute(
                "INSERT INTO registered_model_tags (model_id, key, value) VALUES (@modelId, @Key, @Value)",
                DistinctTags(tags).Select(t => new { modelId, t.Key, t.Value }));
            return ReadModel(connection, modelId);
        }, cancellationToken);

    public async Task<RegisteredModel> GetRegisteredModelAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ModelRow>(new CommandDefinition(
            $"SELECT {ModelColumns} FROM registered_models m WHERE m.name = @name", new { name }, cancellationToken: cancellationToken))).ToList();
        return rows.Count == 0 ? throw ModelNotFound(name) : LoadModels(connection, rows)[0];
    }

    public Task<RegisteredModel> RenameRegisteredModelAsync(string name, string newName, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = ModelKey(connection, name);
            if (connection.ExecuteScalar<long?>(
                    "SELECT id FROM registered_models WHERE name = @newName AND id <> @modelId", new { newName, modelId }) is not null)
            {
                throw ModelExists(newName);
            }

            // Versions (deleted ones too) follow the model through its key; MLflow touches each of them.
            var now = Now;
            connection.Execute(
                "UPDATE registered_models SET name = @newName, last_updated_time = @now WHERE id = @modelId", new { newName, now, modelId });
            connection.Execute("UPDATE model_versions SET last_updated_time = @now WHERE model_id = @modelId", new { now, modelId });
            return ReadModel(connection, modelId);
        }, cancellationToken);

    public Task<RegisteredModel> UpdateRegisteredModelAsync(string name, string? description, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = ModelKey(connection, name);
            connection.Execute(
                "UPDATE registered_models SET description = @description, last_updated_time = @now WHERE id = @modelId",
                new { description, now = Now, modelId });
            return ReadModel(connection, modelId);
        }, cancellationToken);

    public Task DeleteRegisteredModelAsync(string name, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = ModelKey(connection, name);
            // The foreign keys cascade too; deleting explicitly keeps this independent of PRAGMA foreign_keys.
            connection.Execute(
                """
                DELETE FROM registered_model_aliases WHERE model_id = @modelId;
                DELETE FROM model_version_tags WHERE model_id = @modelId;
                DELETE FROM model_versions WHERE model_id = @modelId;
                DELETE FROM registered_model_tags WHERE model_id = @modelId;
                DELETE FROM registered_models WHERE id = @modelId;
                """,
                new { modelId });
        }, cancellationToken);

    public async Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(
        string name, IReadOnlyList<string> stages, CancellationToken cancellationToken)
    {
        var model = await GetRegisteredModelAsync(name, cancellationToken);
        var wanted = stages.Count == 0 ? ModelVersionStages.All : stages;
        return [.. model.LatestVersions.Where(v => wanted.Contains(v.CurrentStage))];
    }

    public Task SetRegisteredModelTagAsync(string name, KeyValue tag, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = ModelKey(connection, name);
            connection.Execute(
                "INSERT OR REPLACE INTO registered_model_tags (model_id, key, value) VALUES (@modelId, @Key, @Value)",
                new { modelId, tag.Key, tag.Value });
        }, cancellationToken);

    public Task DeleteRegisteredModelTagAsync(string name, string key, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = ModelKey(connection, name);
            connection.Execute("DELETE FROM registered_model_tags WHERE model_id = @modelId AND key = @key", new { modelId, key });
        }, cancellationToken);
}
