namespace MlTrack.Server.Domain;

/// <summary>An alias of a registered model: its name and the version (an integer as a string) it points at.</summary>
internal sealed record RegisteredModelAlias(string Alias, string Version);

/// <summary>
/// A registered model, in the field order of model_registry.proto. <see cref="LatestVersions"/> holds the newest
/// version of each stage that has one. An empty description is left out, as MLflow does.
/// </summary>
internal sealed record RegisteredModel(
    string Name,
    long CreationTimestamp,
    long? LastUpdatedTimestamp,
    string UserId,
    string? Description,
    IReadOnlyList<ModelVersion> LatestVersions,
    IReadOnlyList<KeyValue> Tags,
    IReadOnlyList<RegisteredModelAlias> Aliases);
