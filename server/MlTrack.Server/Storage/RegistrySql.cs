using MlTrack.Server.Domain;

namespace MlTrack.Server.Storage;

/// <summary>The model registry's write statements that read the same in every dialect, with their parameters.</summary>
internal static class RegistrySql
{
    /// <summary>Inserts the model's next version (deleted versions keep their rows, so a number is never handed out twice).</summary>
    public const string CreateVersion = """
        INSERT INTO model_versions
            (model_id, version, creation_time, last_updated_time, description, current_stage, source, storage_location,
             run_id, run_link, status)
        SELECT @modelId, coalesce(max(version), 0) + 1, @now, @now, @Description, @stage, @Source, @StorageLocation,
               @RunId, @RunLink, @status
        FROM model_versions WHERE model_id = @modelId
        RETURNING version
        """;

    /// <summary>Moves the model's other versions in @stage to Archived.</summary>
    public const string ArchiveOthers = """
        UPDATE model_versions SET current_stage = @archived, last_updated_time = @now
        WHERE model_id = @modelId AND version <> @version AND current_stage = @stage
        """;

    /// <summary>A deleted version loses its aliases and tags and keeps a redacted row in stage Deleted_Internal, as in MLflow.</summary>
    public const string DeleteVersion = """
        DELETE FROM registered_model_aliases WHERE model_id = @modelId AND version = @version;
        DELETE FROM model_version_tags WHERE model_id = @modelId AND version = @version;
        UPDATE model_versions SET current_stage = @deleted, last_updated_time = @now, description = NULL, user_id = NULL,
            source = @source, storage_location = @source, run_id = @runId, run_link = @runLink, status_message = NULL
        WHERE model_id = @modelId AND version = @version;
        """;

    public static object CreateVersionParameters(long modelId, long now, NewModelVersion version) => new
    {
        modelId, now, version.Description, stage = ModelVersionStages.None, version.Source, version.StorageLocation,
        version.RunId, version.RunLink, status = nameof(ModelVersionStatus.READY),
    };

    public static object ArchiveOthersParameters(long modelId, long version, string stage, long now) =>
        new { archived = ModelVersionStages.Archived, now, modelId, version, stage };

    // What MLflow writes over a deleted version's fields.
    public static object DeleteVersionParameters(long modelId, long version, long now) => new
    {
        modelId, version, deleted = ModelVersionStages.DeletedInternal, now,
        source = "REDACTED-SOURCE-PATH", runId = "REDACTED-RUN-ID", runLink = "REDACTED-RUN-LINK",
    };
}
