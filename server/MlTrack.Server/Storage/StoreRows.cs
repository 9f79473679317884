using System.Globalization;
using MlTrack.Server.Domain;

namespace MlTrack.Server.Storage;

/// <summary>The column lists every store selects (the same schema names in each dialect) and the rows they map to.</summary>
internal static class StoreColumns
{
    public const string Experiment =
        "experiment_id AS ExperimentId, name AS Name, artifact_location AS ArtifactLocation, lifecycle_stage AS LifecycleStage, "
        + "creation_time AS CreationTime, last_update_time AS LastUpdateTime";

    public const string Run =
        "r.id AS Id, r.run_uuid AS RunUuid, r.experiment_id AS ExperimentId, r.name AS Name, r.user_id AS UserId, r.status AS Status, "
        + "r.start_time AS StartTime, r.end_time AS EndTime, r.artifact_uri AS ArtifactUri, r.lifecycle_stage AS LifecycleStage";

    public const string Model =
        "m.id AS Id, m.name AS Name, m.creation_time AS CreationTime, m.last_updated_time AS LastUpdatedTime, m.description AS Description";

    public const string Version =
        "v.model_id AS ModelId, m.name AS Name, v.version AS Version, v.creation_time AS CreationTime, "
        + "v.last_updated_time AS LastUpdatedTime, v.description AS Description, v.user_id AS UserId, v.current_stage AS CurrentStage, "
        + "v.source AS Source, v.storage_location AS StorageLocation, v.run_id AS RunId, v.run_link AS RunLink, v.status AS Status, "
        + "v.status_message AS StatusMessage";

    public const string VersionFrom = "FROM model_versions v JOIN registered_models m ON m.id = v.model_id";
}

internal sealed record ExperimentRow(
    long ExperimentId, string Name, string ArtifactLocation, string LifecycleStage, long? CreationTime, long? LastUpdateTime)
{
    public Experiment ToExperiment(ILookup<long, KeyValue> tags) => new(
        ExperimentId.ToString(CultureInfo.InvariantCulture),
        Name, ArtifactLocation, LifecycleStage, CreationTime, LastUpdateTime, [.. tags[ExperimentId]]);
}

internal sealed record RunRow(
    long Id, string RunUuid, long ExperimentId, string Name, string UserId, string Status, long StartTime, long? EndTime,
    string ArtifactUri, string LifecycleStage)
{
    public RunInfo ToInfo() => new(
        RunUuid, ExperimentId.ToString(CultureInfo.InvariantCulture), Name, UserId,
        Enum.Parse<RunStatus>(Status), StartTime, EndTime, ArtifactUri, LifecycleStage);
}

internal sealed record ModelRow(long Id, string Name, long CreationTime, long? LastUpdatedTime, string? Description)
{
    public RegisteredModel ToModel(
        ILookup<long, ModelVersion> latest, ILookup<long, KeyValue> tags, ILookup<long, RegisteredModelAlias> aliases) => new(
        Name,
        CreationTime,
        LastUpdatedTime is null or 0 ? null : LastUpdatedTime,
        "",
        string.IsNullOrEmpty(Description) ? null : Description,
        [.. latest[Id]],
        [.. tags[Id]],
        [.. aliases[Id]]);
}

internal sealed record VersionRow(
    long ModelId,
    string Name,
    long Version,
    long CreationTime,
    long? LastUpdatedTime,
    string? Description,
    string? UserId,
    string CurrentStage,
    string? Source,
    string? StorageLocation,
    string? RunId,
    string? RunLink,
    string Status,
    string? StatusMessage)
{
    public ModelVersion ToVersion(ILookup<(long, long), KeyValue> tags, ILookup<(long, long), string> aliases) => new(
        Name,
        Version.ToString(CultureInfo.InvariantCulture),
        CreationTime,
        LastUpdatedTime,
        UserId ?? "",
        CurrentStage,
        Description,
        Source,
        RunId,
        Enum.TryParse<ModelVersionStatus>(Status, out var status) ? status : ModelVersionStatus.READY,
        string.IsNullOrEmpty(StatusMessage) ? null : StatusMessage,
        [.. tags[(ModelId, Version)]],
        RunLink,
        [.. aliases[(ModelId, Version)]]);
}
