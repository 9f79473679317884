using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using MlTrack.Client.Internal;

namespace MlTrack.Client;

/// <summary>Versions of registered models: create, read, search, describe, move between stages, tag (model-versions/*).</summary>
public sealed class ModelVersionsClient
{
    private readonly MlflowHttp _http;

    internal ModelVersionsClient(MlflowHttp http) => _http = http;

    /// <summary>Registers a new version of a model, numbered one above the highest (POST model-versions/create). Not retried.</summary>
    /// <param name="name">The registered model's name.</param>
    /// <param name="source">Where the model files are, such as <c>runs:/&lt;run id&gt;/model</c> or the run's <c>mlflow-artifacts:/...</c> path.</param>
    /// <param name="options">Run id, tags, run link and description.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new version, status READY on MLflow and MlTrack servers.</returns>
    /// <exception cref="MlflowApiException">The model is unknown or the source is refused.</exception>
    public Task<ModelVersion> CreateAsync(
        string name, string source, CreateModelVersionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(source);
        options ??= new CreateModelVersionOptions();
        var request = new CreateModelVersionRequest(name, source, options.RunId, TagList.From(options.Tags), options.RunLink, options.Description);
        return SendAsync(
            HttpMethod.Post, Routes.CreateModelVersion, request, ClientJson.Default.CreateModelVersionRequest, idempotent: false, cancellationToken);
    }

    /// <summary>Reads a model version (GET model-versions/get).</summary>
    /// <param name="name">The registered model's name.</param>
    /// <param name="version">The version number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown or deleted version.</exception>
    public async Task<ModelVersion> GetAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var response = await _http.GetAsync(
            Routes.GetModelVersion, NameAndVersion(name, version), ClientJson.Default.ModelVersionResponse, cancellationToken).ConfigureAwait(false);
        return response.ModelVersion;
    }

    /// <summary>Sets a version's description (PATCH model-versions/update).</summary>
    /// <param name="name">The registered model's name.</param>
    /// <param name="version">The version number.</param>
    /// <param name="description">The new description; <see langword="null"/> clears it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated version.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown version.</exception>
    public Task<ModelVersion> UpdateAsync(string name, string version, string? description, CancellationToken cancellationToken = default)
    {
        NameAndVersion(name, version);
        return SendAsync(
            HttpMethod.Patch, Routes.UpdateModelVersion, new UpdateModelVersionRequest(name, version, description),
            ClientJson.Default.UpdateModelVersionRequest, idempotent: true, cancellationToken);
    }

    /// <summary>Deletes a version; its number is not reused (DELETE model-versions/delete). Not retried.</summary>
    /// <param name="name">The registered model's name.</param>
    /// <param name="version">The version number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the version is deleted.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown version.</exception>
    public Task DeleteAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        NameAndVersion(name, version);
        return _http.SendAsync(
            HttpMethod.Delete, Routes.DeleteModelVersion, new NameVersionRequest(name, version), ClientJson.Default.NameVersionRequest,
            idempotent: false, cancellationToken);
    }

    /// <summary>Reads one page of model versions (GET model-versions/search).</summary>
    /// <param name="options">Filter, order, page size and page token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page; its token is set only when more versions exist.</returns>
    /// <exception cref="MlflowApiException">For example INVALID_PARAMETER_VALUE (400) for a bad filter.</exception>
    public async Task<Page<ModelVersion>> SearchAsync(SearchModelVersionsOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SearchModelVersionsOptions();
        var query = new Query().Add("filter", options.Filter).Add("max_results", options.MaxResults).AddEach("order_by", options.OrderBy)
            .Add("page_token", options.PageToken);
        var response = await _http.GetAsync(Routes.SearchModelVersions, query, ClientJson.Default.ModelVersionsResponse, cancellationToken)
            .ConfigureAwait(false);
        return new Page<ModelVersion>(response.ModelVersions ?? [], response.NextPageToken);
    }

    /// <summary>Every model version that matches, page after page, following the page tokens.</summary>
    /// <param name="options">As for <see cref="SearchAsync"/>; <see cref="SearchModelVersionsOptions.MaxResults"/> is the page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The versions, fetched a page at a time as the enumeration proceeds.</returns>
    /// <exception cref="MlflowApiException">The server refused a page.</exception>
    public async IAsyncEnumerable<ModelVersion> SearchAllAsync(
        SearchModelVersionsOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new SearchModelVersionsOptions();
        do
        {
            var page = await SearchAsync(options, cancellationToken).ConfigureAwait(false);
            foreach (var version in page.Items)
            {
                yield return version;
            }

            options = page.HasNextPage ? options with { PageToken = page.NextPageToken } : null;
        }
        while (options is not null);
    }

    /// <summary>Where a version's files are stored (GET model-versions/get-download-uri); <c>models:/name/1</c> resolves this way.</summary>
    /// <param name="name">The registered model's name.</param>
    /// <param name="version">The version number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The artifact URI, such as <c>mlflow-artifacts:/1/&lt;run id&gt;/artifacts/model</c>.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown version.</exception>
    public async Task<string> GetDownloadUriAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var response = await _http.GetAsync(
            Routes.GetModelVersionDownloadUri, NameAndVersion(name, version), ClientJson.Default.DownloadUriResponse, cancellationToken)
            .ConfigureAwait(false);
        return response.ArtifactUri;
    }

    /// <summary>Moves a version to a stage (POST model-versions/transition-stage). Not retried.</summary>
    /// <param name="name">The registered model's name.</param>
    /// <param name="version">The version number.</param>
    /// <param name="stage">One of <see cref="ModelVersionStages"/> (any case).</param>
    /// <param name="archiveExistingVersions">Whether the other versions in that stage move to Archived (Staging and Production only).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version in its new stage.</returns>
    /// <exception cref="MlflowApiException">The version is unknown or the stage is invalid.</exception>
    public Task<ModelVersion> TransitionStageAsync(
        string name, string version, string stage, bool archiveExistingVersions = false, CancellationToken cancellationToken = default)
    {
        NameAndVersion(name, version);
        ArgumentException.ThrowIfNullOrEmpty(stage);
        return SendAsync(
            HttpMethod.Post, Routes.TransitionModelVersionStage, new TransitionStageRequest(name, version, stage, archiveExistingVersions),
            ClientJson.Default.TransitionStageRequest, idempotent: false, cancellationToken);
    }

    /// <summary>Sets (or overwrites) a tag of a version (POST model-versions/set-tag).</summary>
    /// <param name="name">The registered model's name.</param>
    /// <param name="version">The version number.</param>
    /// <param name="key">The tag's key.</param>
    /// <param name="value">The tag's value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tag is stored.</returns>
    /// <exception cref="MlflowApiException">The version is unknown or the key is invalid.</exception>
    public Task SetTagAsync(string name, string version, string key, string value, CancellationToken cancellationToken = default)
    {
        NameAndVersion(name, version);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _http.SendAsync(
            HttpMethod.Post, Routes.SetModelVersionTag, new ModelVersionTagRequest(name, version, key, value),
            ClientJson.Default.ModelVersionTagRequest, idempotent: true, cancellationToken);
    }

    /// <summary>Removes a tag of a version (DELETE model-versions/delete-tag).</summary>
    /// <param name="name">The registered model's name.</param>
    /// <param name="version">The version number.</param>
    /// <param name="key">The tag's key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tag is removed.</returns>
    /// <exception cref="MlflowApiException">The version or the tag does not exist.</exception>
    public Task DeleteTagAsync(string name, string version, string key, CancellationToken cancellationToken = default)
    {
        NameAndVersion(name, version);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _http.SendAsync(
            HttpMethod.Delete, Routes.DeleteModelVersionTag, new ModelVersionTagRequest(name, version, key, null),
            ClientJson.Default.ModelVersionTagRequest, idempotent: false, cancellationToken);
    }

    private static Query NameAndVersion(string name, string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(version);
        return new Query().Add("name", name).Add("version", version);
    }

    private async Task<ModelVersion> SendAsync<TRequest>(
        HttpMethod method, string route, TRequest request, JsonTypeInfo<TRequest> requestType, bool idempotent, CancellationToken cancellationToken)
    {
        var response = await _http.SendAsync(method, route, request, requestType, ClientJson.Default.ModelVersionResponse, idempotent, cancellationToken)
            .ConfigureAwait(false);
        return response.ModelVersion;
    }
}
