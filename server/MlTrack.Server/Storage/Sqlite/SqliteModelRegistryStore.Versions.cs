using Dapper;
using MlTrack.Server.Domain;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteModelRegistryStore
{
    // What MLflow writes over a deleted version's fields.
    private const string RedactedSource = "REDACTED-SOURCE-PATH";
    private const string RedactedRunId = "REDACTED-RUN-ID";
    private const string RedactedRunLink = "REDACTED-RUN-LINK";

    public Task<ModelVersion> CreateModelVersionAsync(NewModelVersion version, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = ModelKey(connection, version.Name);
            var now = Now;
            // Deleted versions keep their rows, so a number is never handed out twice.
            var number = connection.ExecuteScalar<long>(
                """
                INSERT INTO model_versions
                    (model_id, version, creation_time, last_updated_time, description, current_stage, source, storage_location,
                     run_id, run_link, status)
                SELECT @modelId, coalesce(max(version), 0) + 1, @now, @now, @Description, @stage, @Source, @StorageLocation,
                       @RunId, @RunLink, @status
                FROM model_versions WHERE model_id = @modelId
                RETURNING version
                """,
                new
                {
                    modelId, now, version.Description, stage = ModelVersionStages.None, version.Source, version.StorageLocation,
                    version.RunId, version.RunLink, status = nameof(ModelVersionStatus.READY),
                });
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
                    """
                    UPDATE model_versions SET current_stage = @archived, last_updated_time = @now
                    WHERE model_id = @modelId AND version <> @version AND current_stage = @stage
                    """,
                    new { archived = ModelVersionStages.Archived, now, modelId, version, stage });
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
                """
                DELETE FROM registered_model_aliases WHERE model_id = @modelId AND version = @version;
                DELETE FROM model_version_tags WHERE model_id = @modelId AND version = @version;
                UPDATE model_versions SET current_stage = @deleted, last_updated_time = @now, description = NULL, user_id = NULL,
                    source = @source, storage_location = @source, run_id = @runId, run_link = @runLink, status_message = NULL
                WHERE model_id = @modelId AND version = @version;
                """,
                new { modelId, version, deleted = DeletedStage, now, source = RedactedSource, runId = RedactedRunId, runLink = RedactedRunLink });
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
