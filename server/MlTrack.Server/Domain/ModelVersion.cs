using MlTrack.Server.Errors;

namespace MlTrack.Server.Domain;

/// <summary>MLflow's ModelVersionStatus; written by name. Versions are READY as soon as they are created.</summary>
internal enum ModelVersionStatus
{
    PENDING_REGISTRATION = 1,
    FAILED_REGISTRATION = 2,
    READY = 3,
}

/// <summary>Model version stages (mlflow/entities/model_registry/model_version_stages.py).</summary>
internal static class ModelVersionStages
{
    public const string None = "None";
    public const string Staging = "Staging";
    public const string Production = "Production";
    public const string Archived = "Archived";

    /// <summary>The stage of a deleted version; such rows keep the version number taken but are never returned.</summary>
    public const string DeletedInternal = "Deleted_Internal";

    public static readonly IReadOnlyList<string> All = [None, Staging, Production, Archived];

    /// <summary>The stages whose other versions archive_existing_versions may archive.</summary>
    public static readonly IReadOnlyList<string> Active = [Staging, Production];

    /// <summary>The canonical spelling of a stage given in any case; anything else is INVALID_PARAMETER_VALUE.</summary>
    public static string Canonical(string stage) =>
        All.FirstOrDefault(s => s.Equals(stage, StringComparison.OrdinalIgnoreCase))
        ?? throw MlflowException.InvalidParameter(
            $"Invalid Model Version stage: {stage}. Value must be one of {string.Join(", ", All)}.");
}

/// <summary>
/// A registered model's version, in the field order of model_registry.proto. <see cref="Version"/> is an integer
/// sent as a string; <see cref="Aliases"/> are the names of the aliases pointing at this version.
/// </summary>
internal sealed record ModelVersion(
    string Name,
    string Version,
    long CreationTimestamp,
    long? LastUpdatedTimestamp,
    string UserId,
    string CurrentStage,
    string? Description,
    string? Source,
    string? RunId,
    ModelVersionStatus Status,
    string? StatusMessage,
    IReadOnlyList<KeyValue> Tags,
    string? RunLink,
    IReadOnlyList<string> Aliases);
