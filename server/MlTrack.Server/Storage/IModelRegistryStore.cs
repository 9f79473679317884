using MlTrack.Server.Domain;
using MlTrack.Server.Search;

namespace MlTrack.Server.Storage;

/// <summary>A validated registered-models/search request.</summary>
internal sealed record RegisteredModelQuery(
    IReadOnlyList<FilterClause> Filter, IReadOnlyList<OrderByTerm> OrderBy, int MaxResults, int Offset, ReadScope? Readable = null);

/// <summary>A validated model-versions/search request.</summary>
internal sealed record ModelVersionQuery(
    IReadOnlyList<FilterClause> Filter, IReadOnlyList<OrderByTerm> OrderBy, int MaxResults, int Offset, ReadScope? Readable = null);

/// <summary>
/// A model version to create. <see cref="StorageLocation"/> is where the files are (the source with runs:/ and
/// models:/ resolved); <see cref="Source"/> is kept as the client sent it.
/// </summary>
internal sealed record NewModelVersion(
    string Name,
    string Source,
    string StorageLocation,
    string RunId,
    string RunLink,
    string Description,
    IReadOnlyList<KeyValue> Tags);

/// <summary>
/// The model registry store contract (MLflow's model_registry AbstractStore). Inputs arrive validated (names
/// non-empty, tags and aliases checked, stages canonical); the store checks existence and uniqueness. Errors are
/// <see cref="Errors.MlflowException"/>s with MLflow's codes and messages; every write is committed before its
/// task completes. Versions are integers; the wire's string form is the caller's business.
/// </summary>
internal interface IModelRegistryStore
{
    /// <summary>Creates a model with its tags (the last value of a repeated key wins); a taken name is RESOURCE_ALREADY_EXISTS.</summary>
    Task<RegisteredModel> CreateRegisteredModelAsync(
        string name, IReadOnlyList<KeyValue> tags, string? description, CancellationToken cancellationToken);

    /// <summary>The model with its latest version per stage, tags and aliases; an unknown name is RESOURCE_DOES_NOT_EXIST.</summary>
    Task<RegisteredModel> GetRegisteredModelAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Renames the model; its versions, tags and aliases follow, and the model and all its versions get a new
    /// last-updated time. A name taken by another model is RESOURCE_ALREADY_EXISTS.
    /// </summary>
    Task<RegisteredModel> RenameRegisteredModelAsync(string name, string newName, CancellationToken cancellationToken);

    /// <summary>Replaces the description (null or "" clears it) and touches the last-updated time.</summary>
    Task<RegisteredModel> UpdateRegisteredModelAsync(string name, string? description, CancellationToken cancellationToken);

    /// <summary>Deletes the model with all its versions, tags, version tags and aliases.</summary>
    Task DeleteRegisteredModelAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// One page of models; the order is the requested terms then name ascending. A next-page token is
    /// returned only when more rows exist.
    /// </summary>
    Task<Page<RegisteredModel>> SearchRegisteredModelsAsync(RegisteredModelQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The newest version of each of <paramref name="stages"/> (canonical names; empty means all four) that has
    /// one. An unknown model is RESOURCE_DOES_NOT_EXIST.
    /// </summary>
    Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string> stages, CancellationToken cancellationToken);

    /// <summary>Sets (upserts) a model tag; the last-updated time is not touched, as in MLflow.</summary>
    Task SetRegisteredModelTagAsync(string name, KeyValue tag, CancellationToken cancellationToken);

    /// <summary>Deletes a model tag; a missing tag is not an error, an unknown model is.</summary>
    Task DeleteRegisteredModelTagAsync(string name, string key, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the next version (one more than the greatest ever used, deleted ones included, starting at 1),
    /// READY, in stage None, and touches the model's last-updated time. An unknown model is RESOURCE_DOES_NOT_EXIST.
    /// </summary>
    Task<ModelVersion> CreateModelVersionAsync(NewModelVersion version, CancellationToken cancellationToken);

    /// <summary>A version that exists and is not deleted, with its tags and aliases; else RESOURCE_DOES_NOT_EXIST.</summary>
    Task<ModelVersion> GetModelVersionAsync(string name, long version, CancellationToken cancellationToken);

    /// <summary>Replaces the description (null clears it, as MLflow does when the field is absent).</summary>
    Task<ModelVersion> UpdateModelVersionAsync(string name, long version, string? description, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a version to <paramref name="stage"/> (canonical). With <paramref name="archiveExistingVersions"/>
    /// (Staging or Production only; the caller checks), the model's other versions in that stage become Archived.
    /// </summary>
    Task<ModelVersion> TransitionModelVersionStageAsync(
        string name, long version, string stage, bool archiveExistingVersions, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a version: its aliases and tags go, its number stays taken (the row is kept redacted, as MLflow's
    /// Deleted_Internal stage), and the model's last-updated time is touched.
    /// </summary>
    Task DeleteModelVersionAsync(string name, long version, CancellationToken cancellationToken);

    /// <summary>Where the version's files are: its storage location, else its source.</summary>
    Task<string> GetModelVersionDownloadUriAsync(string name, long version, CancellationToken cancellationToken);

    /// <summary>
    /// One page of versions (deleted ones never); the order is the requested terms (default last_updated
    /// DESC), then name ASC and version DESC unless already ordered. A token only when more rows exist.
    /// </summary>
    Task<Page<ModelVersion>> SearchModelVersionsAsync(ModelVersionQuery query, CancellationToken cancellationToken);

    /// <summary>Sets (upserts) a version tag; the version must exist.</summary>
    Task SetModelVersionTagAsync(string name, long version, KeyValue tag, CancellationToken cancellationToken);

    /// <summary>Deletes a version tag; a missing tag is not an error, an unknown version is.</summary>
    Task DeleteModelVersionTagAsync(string name, long version, string key, CancellationToken cancellationToken);

    /// <summary>Points an alias at a version, moving it if it pointed elsewhere; the version must exist.</summary>
    Task SetRegisteredModelAliasAsync(string name, string alias, long version, CancellationToken cancellationToken);

    /// <summary>Deletes an alias; a missing alias is not an error, an unknown model is.</summary>
    Task DeleteRegisteredModelAliasAsync(string name, string alias, CancellationToken cancellationToken);

    /// <summary>The version an alias points at; an unknown alias (or model) is INVALID_PARAMETER_VALUE, as in MLflow.</summary>
    Task<ModelVersion> GetModelVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken);
}
