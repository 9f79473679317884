using System.Runtime.CompilerServices;
using MlTrack.Client.Internal;

namespace MlTrack.Client;

/// <summary>Registered models of the model registry, with their tags and aliases (registered-models/*).</summary>
public sealed class RegisteredModelsClient
{
    private readonly MlflowHttp _http;

    internal RegisteredModelsClient(MlflowHttp http) => _http = http;

    /// <summary>Registers a model name (POST registered-models/create). Not retried.</summary>
    /// <param name="name">The model's unique name.</param>
    /// <param name="tags">Tags to set on it.</param>
    /// <param name="description">A description.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new registered model.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_ALREADY_EXISTS (400) when the name is taken.</exception>
    public Task<RegisteredModel> CreateAsync(
        string name, IReadOnlyDictionary<string, string>? tags = null, string? description = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return SendAsync(
            HttpMethod.Post, Routes.CreateRegisteredModel, new CreateRegisteredModelRequest(name, TagList.From(tags), description),
            ClientJson.Default.CreateRegisteredModelRequest, idempotent: false, cancellationToken);
    }

    /// <summary>Reads a registered model (GET registered-models/get).</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model with its latest version per stage, tags and aliases.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown name.</exception>
    public async Task<RegisteredModel> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var response = await _http.GetAsync(
            Routes.GetRegisteredModel, new Query().Add("name", name), ClientJson.Default.RegisteredModelResponse, cancellationToken).ConfigureAwait(false);
        return response.RegisteredModel;
    }

    /// <summary>Renames a registered model, its versions included (POST registered-models/rename). Not retried.</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="newName">Its new name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The renamed model.</returns>
    /// <exception cref="MlflowApiException">The model is unknown or the new name is taken.</exception>
    public Task<RegisteredModel> RenameAsync(string name, string newName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(newName);
        return SendAsync(
            HttpMethod.Post, Routes.RenameRegisteredModel, new RenameRegisteredModelRequest(name, newName),
            ClientJson.Default.RenameRegisteredModelRequest, idempotent: false, cancellationToken);
    }

    /// <summary>Sets a registered model's description (PATCH registered-models/update).</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="description">The new description; <see langword="null"/> clears it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated model.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown name.</exception>
    public Task<RegisteredModel> UpdateAsync(string name, string? description, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return SendAsync(
            HttpMethod.Patch, Routes.UpdateRegisteredModel, new UpdateRegisteredModelRequest(name, description),
            ClientJson.Default.UpdateRegisteredModelRequest, idempotent: true, cancellationToken);
    }

    /// <summary>Deletes a registered model and all its versions (DELETE registered-models/delete). Not retried.</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the model is deleted.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown name.</exception>
    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _http.SendAsync(
            HttpMethod.Delete, Routes.DeleteRegisteredModel, new NameRequest(name), ClientJson.Default.NameRequest, idempotent: false, cancellationToken);
    }

    /// <summary>Reads one page of registered models (GET registered-models/search).</summary>
    /// <param name="options">Filter, order, page size and page token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page; its token is set only when more models exist.</returns>
    /// <exception cref="MlflowApiException">For example INVALID_PARAMETER_VALUE (400) for a bad filter.</exception>
    public async Task<Page<RegisteredModel>> SearchAsync(SearchRegisteredModelsOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SearchRegisteredModelsOptions();
        var query = new Query().Add("filter", options.Filter).Add("max_results", options.MaxResults).AddEach("order_by", options.OrderBy)
            .Add("page_token", options.PageToken);
        var response = await _http.GetAsync(Routes.SearchRegisteredModels, query, ClientJson.Default.SearchRegisteredModelsResponse, cancellationToken)
            .ConfigureAwait(false);
        return new Page<RegisteredModel>(response.RegisteredModels ?? [], response.NextPageToken);
    }

    /// <summary>Every registered model that matches, page after page, following the page tokens.</summary>
    /// <param name="options">As for <see cref="SearchAsync"/>; <see cref="SearchRegisteredModelsOptions.MaxResults"/> is the page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The models, fetched a page at a time as the enumeration proceeds.</returns>
    /// <exception cref="MlflowApiException">The server refused a page.</exception>
    public async IAsyncEnumerable<RegisteredModel> SearchAllAsync(
        SearchRegisteredModelsOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new SearchRegisteredModelsOptions();
        do
        {
            var page = await SearchAsync(options, cancellationToken).ConfigureAwait(false);
            foreach (var model in page.Items)
            {
                yield return model;
            }

            options = page.HasNextPage ? options with { PageToken = page.NextPageToken } : null;
        }
        while (options is not null);
    }

    /// <summary>The newest version of a model in each of the given stages (POST registered-models/get-latest-versions).</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="stages">Stages from <see cref="ModelVersionStages"/> (any case); every stage when not given.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>At most one version per stage.</returns>
    /// <exception cref="MlflowApiException">The model is unknown, or a stage is not one of MLflow's.</exception>
    public async Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(
        string name, IReadOnlyList<string>? stages = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var response = await _http.SendAsync(
            HttpMethod.Post, Routes.GetLatestVersions, new GetLatestVersionsRequest(name, stages), ClientJson.Default.GetLatestVersionsRequest,
            ClientJson.Default.ModelVersionsResponse, idempotent: true, cancellationToken).ConfigureAwait(false);
        return response.ModelVersions ?? [];
    }

    /// <summary>Sets (or overwrites) a tag of a registered model (POST registered-models/set-tag).</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="key">The tag's key.</param>
    /// <param name="value">The tag's value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tag is stored.</returns>
    /// <exception cref="MlflowApiException">The model is unknown or the key is invalid.</exception>
    public Task SetTagAsync(string name, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _http.SendAsync(
            HttpMethod.Post, Routes.SetRegisteredModelTag, new RegisteredModelTagRequest(name, key, value),
            ClientJson.Default.RegisteredModelTagRequest, idempotent: true, cancellationToken);
    }

    /// <summary>Removes a tag of a registered model (DELETE registered-models/delete-tag).</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="key">The tag's key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tag is removed.</returns>
    /// <exception cref="MlflowApiException">The model or the tag does not exist.</exception>
    public Task DeleteTagAsync(string name, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _http.SendAsync(
            HttpMethod.Delete, Routes.DeleteRegisteredModelTag, new RegisteredModelTagRequest(name, key, null),
            ClientJson.Default.RegisteredModelTagRequest, idempotent: false, cancellationToken);
    }

    /// <summary>Points an alias (such as <c>champion</c>) at a version, moving it if it pointed elsewhere (POST registered-models/alias).</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="alias">The alias: word characters and dashes, not <c>latest</c> nor <c>v&lt;digits&gt;</c>.</param>
    /// <param name="version">The version number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the alias is set.</returns>
    /// <exception cref="MlflowApiException">The model or version is unknown, or the alias is invalid.</exception>
    public Task SetAliasAsync(string name, string alias, string version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(alias);
        ArgumentException.ThrowIfNullOrEmpty(version);
        return _http.SendAsync(
            HttpMethod.Post, Routes.RegisteredModelAlias, new AliasRequest(name, alias, version), ClientJson.Default.AliasRequest,
            idempotent: true, cancellationToken);
    }

    /// <summary>Removes an alias (DELETE registered-models/alias).</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="alias">The alias.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the alias is removed.</returns>
    /// <exception cref="MlflowApiException">The model is unknown or the alias is invalid.</exception>
    public Task DeleteAliasAsync(string name, string alias, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(alias);
        return _http.SendAsync(
            HttpMethod.Delete, Routes.RegisteredModelAlias, new AliasRequest(name, alias, null), ClientJson.Default.AliasRequest,
            idempotent: false, cancellationToken);
    }

    /// <summary>The version an alias points at (GET registered-models/alias); <c>models:/name@alias</c> resolves this way.</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="alias">The alias.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version.</returns>
    /// <exception cref="MlflowApiException">INVALID_PARAMETER_VALUE (400) when the model has no such alias, as MLflow answers.</exception>
    public async Task<ModelVersion> GetVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(alias);
        var response = await _http.GetAsync(
            Routes.RegisteredModelAlias, new Query().Add("name", name).Add("alias", alias), ClientJson.Default.ModelVersionResponse, cancellationToken)
            .ConfigureAwait(false);
        return response.ModelVersion;
    }

    private async Task<RegisteredModel> SendAsync<TRequest>(
        HttpMethod method, string route, TRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TRequest> requestType,
        bool idempotent, CancellationToken cancellationToken)
    {
        var response = await _http.SendAsync(
            method, route, request, requestType, ClientJson.Default.RegisteredModelResponse, idempotent, cancellationToken).ConfigureAwait(false);
        return response.RegisteredModel;
    }
}
