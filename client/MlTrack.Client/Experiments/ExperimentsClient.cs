using System.Net;
using System.Runtime.CompilerServices;
using MlTrack.Client.Internal;

namespace MlTrack.Client;

/// <summary>Experiments: create, read, search, rename, delete, restore and tag (experiments/*).</summary>
public sealed class ExperimentsClient
{
    private readonly MlflowHttp _http;

    internal ExperimentsClient(MlflowHttp http) => _http = http;

    /// <summary>Creates an experiment (POST experiments/create). Not retried: a repeated create would fail as a duplicate.</summary>
    /// <param name="name">The new experiment's name; names stay taken after deletion.</param>
    /// <param name="artifactLocation">Where its runs keep artifacts; the server's default root when not given.</param>
    /// <param name="tags">Tags to set on it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new experiment's id.</returns>
    /// <exception cref="MlflowApiException">For example RESOURCE_ALREADY_EXISTS (400) when the name is taken.</exception>
    public async Task<string> CreateAsync(
        string name, string? artifactLocation = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var request = new CreateExperimentRequest(name, artifactLocation, TagList.From(tags));
        var response = await _http.SendAsync(
            HttpMethod.Post, Routes.CreateExperiment, request, ClientJson.Default.CreateExperimentRequest,
            ClientJson.Default.CreateExperimentResponse, idempotent: false, cancellationToken).ConfigureAwait(false);
        return response.ExperimentId;
    }

    /// <summary>Reads an experiment by id, deleted ones included (GET experiments/get).</summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The experiment.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown id.</exception>
    public async Task<Experiment> GetAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        var response = await _http.GetAsync(
            Routes.GetExperiment, new Query().Add("experiment_id", experimentId), ClientJson.Default.ExperimentResponse, cancellationToken)
            .ConfigureAwait(false);
        return response.Experiment;
    }

    /// <summary>Reads an experiment by its exact name, deleted ones included (GET experiments/get-by-name).</summary>
    /// <param name="name">The experiment's name (case-sensitive).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The experiment, or <see langword="null"/> when none has that name (as MLflow's client answers).</returns>
    /// <exception cref="MlflowApiException">Any error other than RESOURCE_DOES_NOT_EXIST.</exception>
    public async Task<Experiment?> GetByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            var response = await _http.GetAsync(
                Routes.GetExperimentByName, new Query().Add("experiment_name", name), ClientJson.Default.ExperimentResponse, cancellationToken)
                .ConfigureAwait(false);
            return response.Experiment;
        }
        catch (MlflowApiException e) when (e.ErrorCode == "RESOURCE_DOES_NOT_EXIST" && e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Returns the experiment with this name, creating it when there is none, as MLflow's <c>set_experiment</c> and
    /// <c>mlflow run --experiment-name</c> do.
    /// </summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The existing or new experiment.</returns>
    /// <exception cref="MlflowApiException">The server refused a call.</exception>
    public async Task<Experiment> GetOrCreateAsync(string name, CancellationToken cancellationToken = default)
    {
        if (await GetByNameAsync(name, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        try
        {
            return await GetAsync(await CreateAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (MlflowApiException e) when (e.ErrorCode == "RESOURCE_ALREADY_EXISTS")
        {
            // Another process created it in between.
            var created = await GetByNameAsync(name, cancellationToken).ConfigureAwait(false);
            if (created is null)
            {
                throw;
            }

            return created;
        }
    }

    /// <summary>Reads one page of experiments (POST experiments/search, as MLflow's client sends it).</summary>
    /// <param name="options">Filter, order, view type, page size and page token; all experiments, 1,000 per page, when not given.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page; its <see cref="Page{T}.NextPageToken"/> is set only when more experiments exist.</returns>
    /// <exception cref="MlflowApiException">For example INVALID_PARAMETER_VALUE (400) for a bad filter.</exception>
    public async Task<Page<Experiment>> SearchAsync(SearchExperimentsOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SearchExperimentsOptions();
        var request = new SearchExperimentsRequest(options.MaxResults, options.PageToken, options.Filter, options.OrderBy, options.ViewType);
        var response = await _http.SendAsync(
            HttpMethod.Post, Routes.SearchExperiments, request, ClientJson.Default.SearchExperimentsRequest,
            ClientJson.Default.SearchExperimentsResponse, idempotent: true, cancellationToken).ConfigureAwait(false);
        return new Page<Experiment>(response.Experiments ?? [], response.NextPageToken);
    }

    /// <summary>Every experiment that matches, page after page, following the page tokens.</summary>
    /// <param name="options">As for <see cref="SearchAsync"/>; <see cref="SearchExperimentsOptions.MaxResults"/> is the page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The experiments, fetched a page at a time as the enumeration proceeds.</returns>
    /// <exception cref="MlflowApiException">The server refused a page.</exception>
    public async IAsyncEnumerable<Experiment> SearchAllAsync(
        SearchExperimentsOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new SearchExperimentsOptions();
        do
        {
            var page = await SearchAsync(options, cancellationToken).ConfigureAwait(false);
            foreach (var experiment in page.Items)
            {
                yield return experiment;
            }

            options = page.HasNextPage ? options with { PageToken = page.NextPageToken } : null;
        }
        while (options is not null);
    }

    /// <summary>Renames an experiment (POST experiments/update).</summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="newName">Its new name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server has renamed it.</returns>
    /// <exception cref="MlflowApiException">The name is taken, the experiment is deleted or unknown.</exception>
    public Task RenameAsync(string experimentId, string newName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        ArgumentException.ThrowIfNullOrEmpty(newName);
        return _http.SendAsync(
            HttpMethod.Post, Routes.UpdateExperiment, new UpdateExperimentRequest(experimentId, newName),
            ClientJson.Default.UpdateExperimentRequest, idempotent: false, cancellationToken);
    }

    /// <summary>Marks an experiment and all its runs deleted (POST experiments/delete).</summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server has deleted it.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown or already deleted experiment.</exception>
    public Task DeleteAsync(string experimentId, CancellationToken cancellationToken = default) =>
        PostIdAsync(Routes.DeleteExperiment, experimentId, cancellationToken);

    /// <summary>Restores a deleted experiment and all its runs (POST experiments/restore).</summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server has restored it.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown or active experiment.</exception>
    public Task RestoreAsync(string experimentId, CancellationToken cancellationToken = default) =>
        PostIdAsync(Routes.RestoreExperiment, experimentId, cancellationToken);

    /// <summary>Sets (or overwrites) a tag of an experiment (POST experiments/set-experiment-tag).</summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="key">The tag's key.</param>
    /// <param name="value">The tag's value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tag is stored.</returns>
    /// <exception cref="MlflowApiException">The experiment is deleted or unknown, or the key is invalid.</exception>
    public Task SetTagAsync(string experimentId, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _http.SendAsync(
            HttpMethod.Post, Routes.SetExperimentTag, new ExperimentTagRequest(experimentId, key, value),
            ClientJson.Default.ExperimentTagRequest, idempotent: true, cancellationToken);
    }

    /// <summary>Removes a tag of an experiment (POST experiments/delete-experiment-tag; an MLflow 3 route).</summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="key">The tag's key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tag is removed.</returns>
    /// <exception cref="MlflowApiException">The experiment or the tag does not exist, or the server predates the route.</exception>
    public Task DeleteTagAsync(string experimentId, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _http.SendAsync(
            HttpMethod.Post, Routes.DeleteExperimentTag, new ExperimentTagRequest(experimentId, key, null),
            ClientJson.Default.ExperimentTagRequest, idempotent: false, cancellationToken);
    }

    private Task PostIdAsync(string route, string experimentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        return _http.SendAsync(
            HttpMethod.Post, route, new ExperimentIdRequest(experimentId), ClientJson.Default.ExperimentIdRequest, idempotent: false, cancellationToken);
    }
}
