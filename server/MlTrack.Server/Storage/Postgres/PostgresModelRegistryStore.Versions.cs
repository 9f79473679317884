using Dapper;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

using static MlTrack.Server.Storage.RegistryErrors;

namespace MlTrack.Server.Storage.Postgres;

internal sealed partial class PostgresModelRegistryStore
{
    // The model's row is locked first, so replicas creating versions of one model number them one after another.
    public Task<ModelVersion> CreateModelVersionAsync(NewModelVersion version, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var modelId = await ModelKeyAsync(connection, version.Name, lockModel: true);
            var now = Now;
            var number = await connection.ExecuteScalarAsync<long>(
                RegistrySql.CreateVersion, RegistrySql.CreateVersionParameters(modelId, now, version));
            await UpsertTagsAsync(connection, "model_version_tags", "model_id, version", new { model_id = modelId, version = number }, version.Tags);
            await TouchModelAsync(connection, modelId, now);
            return (await ReadVersionAsync(connection, modelId, number))!;
        }, cancellationToken);

    public async Task<ModelVersion> GetModelVersionAsync(string name, long version, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var rows = (await connection.QueryAsync<VersionRow>(new CommandDefinition(
            $"SELECT {StoreColumns.Version} {StoreColumns.VersionFrom} WHERE m.name = @name AND v.version = @version AND v.current_stage <> @deleted",
            new { name, version, deleted = DeletedStage },
            cancellationToken: cancellationToken))).ToList();
        return rows.Count == 0 ? throw VersionNotFound(name, version) : (await LoadVersionsAsync(connection, rows))[0];
    }

    public Task<ModelVersion> UpdateModelVersionAsync(string name, long version, string? description, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var modelId = await LiveVersionModelKeyAsync(connection, name, version);
            await connection.ExecuteAsync(
                "UPDATE model_versions SET description = @description, last_updated_time = @now WHERE model_id = @modelId AND version = @version",
                new { description, now = Now, modelId, version });
            return (await ReadVersionAsync(connection, modelId, version))!;
        }, cancellationToken);

    public Task<ModelVersion> TransitionModelVersionStageAsync(
        string name, long version, string stage, bool archiveExistingVersions, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var modelId = await LiveVersionModelKeyAsync(connection, name, version);
            // Locking the model makes "archive the others" and "move this one" one step across replicas.
            await connection.ExecuteAsync("SELECT 1 FROM registered_models WHERE id = @modelId FOR UPDATE", new { modelId });
            var now = Now;
            if (archiveExistingVersions)
            {
                await connection.ExecuteAsync(
                    RegistrySql.ArchiveOthers, RegistrySql.ArchiveOthersParameters(modelId, version, stage, now));
            }

            await connection.ExecuteAsync(
                "UPDATE model_versions SET current_stage = @stage, last_updated_time = @now WHERE model_id = @modelId AND version = @version",
                new { stage, now, modelId, version });
            await TouchModelAsync(connection, modelId, now);
            return (await ReadVersionAsync(connection, modelId, version))!;
        }, cancellationToken);

    public Task DeleteModelVersionAsync(string name, long version, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var modelId = await LiveVersionModelKeyAsync(connection, name, version);
            var now = Now;
            await TouchModelAsync(connection, modelId, now);
            await connection.ExecuteAsync(
                RegistrySql.DeleteVersion, RegistrySql.DeleteVersionParameters(modelId, version, now));
        }, cancellationToken);

    public async Task<string> GetModelVersionDownloadUriAsync(string name, long version, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var location = await connection.QuerySingleOrDefaultAsync<(string? StorageLocation, string? Source)?>(new CommandDefinition(
            $"SELECT v.storage_location, v.source {StoreColumns.VersionFrom} WHERE m.name = @name AND v.version = @version AND v.current_stage <> @deleted",
            new { name, version, deleted = DeletedStage },
            cancellationToken: cancellationToken)) ?? throw VersionNotFound(name, version);
        return !string.IsNullOrEmpty(location.StorageLocation) ? location.StorageLocation : location.Source ?? "";
    }

    public Task SetModelVersionTagAsync(string name, long version, KeyValue tag, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var modelId = await LiveVersionModelKeyAsync(connection, name, version);
            await UpsertTagsAsync(connection, "model_version_tags", "model_id, version", new { model_id = modelId, version }, [tag]);
        }, cancellationToken);

    public Task DeleteModelVersionTagAsync(string name, long version, string key, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var modelId = await LiveVersionModelKeyAsync(connection, name, version);
            await connection.ExecuteAsync(
                "DELETE FROM model_version_tags WHERE model_id = @modelId AND version = @version AND key = @key", new { modelId, version, key });
        }, cancellationToken);

    public Task SetRegisteredModelAliasAsync(string name, string alias, long version, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var modelId = await LiveVersionModelKeyAsync(connection, name, version);
            await connection.ExecuteAsync(
                """
                INSERT INTO registered_model_aliases (model_id, alias, version) VALUES (@modelId, @alias, @version)
                ON CONFLICT (model_id, alias) DO UPDATE SET version = excluded.version
                """,
                new { modelId, alias, version });
        }, cancellationToken);

    public Task DeleteRegisteredModelAliasAsync(string name, string alias, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var modelId = await ModelKeyAsync(connection, name);
            await connection.ExecuteAsync("DELETE FROM registered_model_aliases WHERE model_id = @modelId AND alias = @alias", new { modelId, alias });
        }, cancellationToken);

    public async Task<ModelVersion> GetModelVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var target = await connection.QuerySingleOrDefaultAsync<(long ModelId, long Version)?>(new CommandDefinition(
            """
            SELECT a.model_id, a.version FROM registered_model_aliases a JOIN registered_models m ON m.id = a.model_id
            WHERE m.name = @name AND a.alias = @alias
            """,
            new { name, alias },
            cancellationToken: cancellationToken))
            ?? throw MlflowException.InvalidParameter($"Registered model alias {alias} not found.");
        return await ReadVersionAsync(connection, target.ModelId, target.Version) ?? throw VersionNotFound(name, target.Version);
    }
}
