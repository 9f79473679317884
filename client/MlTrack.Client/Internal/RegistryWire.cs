namespace MlTrack.Client.Internal;

// Request and response bodies of the model registry (mlflow/protos/model_registry.proto). Null fields are left out.

internal sealed record CreateRegisteredModelRequest(string Name, IReadOnlyList<Tag>? Tags, string? Description);

internal sealed record RegisteredModelResponse(RegisteredModel RegisteredModel);

internal sealed record RenameRegisteredModelRequest(string Name, string NewName);

internal sealed record UpdateRegisteredModelRequest(string Name, string? Description);

internal sealed record NameRequest(string Name);

internal sealed record SearchRegisteredModelsResponse(IReadOnlyList<RegisteredModel>? RegisteredModels, string? NextPageToken);

internal sealed record GetLatestVersionsRequest(string Name, IReadOnlyList<string>? Stages);

internal sealed record ModelVersionsResponse(IReadOnlyList<ModelVersion>? ModelVersions, string? NextPageToken);

internal sealed record RegisteredModelTagRequest(string Name, string Key, string? Value);

internal sealed record AliasRequest(string Name, string Alias, string? Version);

internal sealed record ModelVersionResponse(ModelVersion ModelVersion);

internal sealed record CreateModelVersionRequest(
    string Name, string Source, string? RunId, IReadOnlyList<Tag>? Tags, string? RunLink, string? Description);

internal sealed record UpdateModelVersionRequest(string Name, string Version, string? Description);

internal sealed record NameVersionRequest(string Name, string Version);

internal sealed record TransitionStageRequest(string Name, string Version, string Stage, bool ArchiveExistingVersions);

internal sealed record ModelVersionTagRequest(string Name, string Version, string Key, string? Value);

internal sealed record DownloadUriResponse(string ArtifactUri);
