using Dapper;
using MlTrack.Server.Domain;

using static MlTrack.Server.Storage.RegistryErrors;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteModelRegistryStore
{
    public Task<ModelVersion> CreateModelVersionAsync(NewModelVersion version, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = ModelKey(connection, version.Name);
            var now = Now;
            // Deleted versions keep their rows, so a number is never handed out twice.
            var number = connection.ExecuteScalar<long>(
                RegistrySql.CreateVersion, RegistrySql.CreateVersionParameters(modelId, now, version));
            connection.Execute(
                "INSERT INTO model_version_tags (model_id, version, key, value) VALUES (@modelId, @number, @Key, @Value)",
                DistinctTags(version.Tags).Select(t => new { modelId, number, t.Key, t.Value }));
            TouchModel(connection, modelId, now);
            return ReadVersion(connection, modelId, number)!;
        }, cancellationToken);

    public async Task<ModelVersion> GetModelVersionAsync(string name, long version, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var rows = (await connection.QueryAsync<VersionRow>(new CommandDefinition(
            $"SELECT {VersionColumns} {VersionFrom} WHERE m.name = @name AND v.version = @version AND v.current_stage <> @deleted",
            new { name, version, deleted = DeletedStage },
            cancellationToken: cancellationToken))).ToList();
        return rows.Count == 0 ? throw VersionNotFound(name, version) : LoadVersions(connection, rows)[0];
    }

    public Task<ModelVersion> UpdateModelVersionAsync(string name, long version, string? description, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = LiveVersionModelKey(connection, name, version);
            connection.Execute(
                "UPDATE model_versions SET description = @description, last_updated_time = @now WHERE model_id = @modelId AND version = @version",
                new { description, now = Now, modelId, version });
            return ReadVersion(connection, modelId, version)!;
        }, cancellationToken);

    public Task<ModelVersion> TransitionModelVersionStageAsync(
        string name, long version, string stage, bool archiveExistingVersions, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = LiveVersionModelKey(connection, name, version);
            var now = Now;
            if (archiveExistingVersions)
            {
                connection.Execute(
                    RegistrySql.ArchiveOthers, RegistrySql.ArchiveOthersParameters(modelId, version, stage, now));
            }

            connection.Execute(
                "UPDATE model_versions SET current_stage = @stage, last_updated_time = @now WHERE model_id = @modelId AND version = @version",
                new { stage, now, modelId, version });
            TouchModel(connection, modelId, now);
            return ReadVersion(connection, modelId, version)!;
        }, cancellationToken);

    public Task DeleteModelVersionAsync(string name, long version, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = LiveVersionModelKey(connection, name, version);
            var now = Now;
            TouchModel(connection, modelId, now);
            connection.Execute(
                RegistrySql.DeleteVersion, RegistrySql.DeleteVersionParameters(modelId, version, now));
        }, cancellationToken);

    public async Task<string> GetModelVersionDownloadUriAsync(string name, long version, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var location = await connection.QuerySingleOrDefaultAsync<(string? StorageLocation, string? Source)?>(new CommandDefinition(
            $"SELECT v.storage_location, v.source {VersionFrom} WHERE m.name = @name AND v.version = @version AND v.current_stage <> @deleted",
            new { name, version, deleted = DeletedStage },
            cancellationToken: cancellationToken)) ?? throw VersionNotFound(name, version);
        return !string.IsNullOrEmpty(location.StorageLocation) ? location.StorageLocation : location.Source ?? "";
    }

    public Task SetModelVersionTagAsync(string name, long version, KeyValue tag, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = LiveVersionModelKey(connection, name, version);
            connection.Execute(
                "INSERT OR REPLACE INTO model_version_tags (model_id, version, key, value) VALUES (@modelId, @version, @Key, @Value)",
                new { modelId, version, tag.Key, tag.Value });
        }, cancellationToken);

    public Task DeleteModelVersionTagAsync(string name, long version, string key, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = LiveVersionModelKey(connection, name, version);
            connection.Execute(
                "DELETE FROM model_version_tags WHERE model_id = @modelId AND version = @version AND key = @key", new { modelId, version, key });
        }, cancellationToken);
}
