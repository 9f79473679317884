using System.Runtime.CompilerServices;
using MlTrack.Client.Internal;

namespace MlTrack.Client;

/// <summary>
/// Runs: create, read, update, delete, restore, search and tag (runs/*); the logging calls are in
/// RunsClient.Logging.cs. For a run that ends by itself, see <see cref="MlflowClient.StartRunAsync"/>.
/// </summary>
public sealed partial class RunsClient
{
    private readonly MlflowHttp _http;

    internal RunsClient(MlflowHttp http) => _http = http;

    /// <summary>Creates a run, status RUNNING (POST runs/create). Not retried: a repeated create makes a second run.</summary>
    /// <param name="experimentId">The experiment of the run.</param>
    /// <param name="options">Name, user, start time and tags; the start time defaults to now.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new run (without inputs, as the server answers).</returns>
    /// <exception cref="MlflowApiException">The experiment is unknown (404) or deleted (400).</exception>
    public async Task<Run> CreateAsync(string experimentId, CreateRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        options ??= new CreateRunOptions();
        var request = new CreateRunRequest(
            experimentId, options.UserId, options.RunName, options.StartTime ?? _http.NowMilliseconds, TagList.From(options.Tags));
        var response = await _http.SendAsync(
            HttpMethod.Post, Routes.CreateRun, request, ClientJson.Default.CreateRunRequest, ClientJson.Default.RunResponse,
            idempotent: false, cancellationToken).ConfigureAwait(false);
        return response.Run;
    }

    /// <summary>Reads a run, deleted ones included (GET runs/get).</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run with the latest value of each metric, its params, tags and inputs.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown id.</exception>
    public async Task<Run> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var response = await _http.GetAsync(Routes.GetRun, new Query().Add("run_id", runId), ClientJson.Default.RunResponse, cancellationToken)
            .ConfigureAwait(false);
        return response.Run;
    }

    /// <summary>Changes a run's status, end time or name; what is not given stays (POST runs/update).</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="status">The new status.</param>
    /// <param name="endTime">The end time in milliseconds since the Unix epoch.</param>
    /// <param name="runName">The new name (also rewrites the tag <c>mlflow.runName</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run's updated metadata.</returns>
    /// <exception cref="MlflowApiException">The run is unknown (404) or deleted (400).</exception>
    public async Task<RunInfo> UpdateAsync(
        string runId, RunStatus? status = null, long? endTime = null, string? runName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var response = await _http.SendAsync(
            HttpMethod.Post, Routes.UpdateRun, new UpdateRunRequest(runId, status, endTime, runName), ClientJson.Default.UpdateRunRequest,
            ClientJson.Default.UpdateRunResponse, idempotent: true, cancellationToken).ConfigureAwait(false);
        return response.RunInfo;
    }

    /// <summary>Ends a run: sets its status and its end time (now, unless given), as MLflow's <c>end_run</c> does.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="status">How it ended; FINISHED by default.</param>
    /// <param name="endTime">The end time in milliseconds since the Unix epoch; now when not given.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run's updated metadata.</returns>
    /// <exception cref="MlflowApiException">The run is unknown (404) or deleted (400).</exception>
    public Task<RunInfo> EndAsync(
        string runId, RunStatus status = RunStatus.Finished, long? endTime = null, CancellationToken cancellationToken = default) =>
        UpdateAsync(runId, status, endTime ?? _http.NowMilliseconds, cancellationToken: cancellationToken);

    /// <summary>Marks a run deleted; idempotent (POST runs/delete).</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the run is deleted.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown id.</exception>
    public Task DeleteAsync(string runId, CancellationToken cancellationToken = default) => PostRunIdAsync(Routes.DeleteRun, runId, cancellationToken);

    /// <summary>Restores a deleted run; idempotent (POST runs/restore).</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the run is restored.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown id.</exception>
    public Task RestoreAsync(string runId, CancellationToken cancellationToken = default) => PostRunIdAsync(Routes.RestoreRun, runId, cancellationToken);

    /// <summary>Reads one page of the runs of some experiments (POST runs/search).</summary>
    /// <param name="experimentIds">The experiments to search in.</param>
    /// <param name="options">Filter, order, view type, page size and page token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page; MLflow servers set its token whenever the page is full, so the last page may be empty.</returns>
    /// <exception cref="MlflowApiException">For example INVALID_PARAMETER_VALUE (400) for a bad filter or order.</exception>
    public async Task<Page<Run>> SearchAsync(
        IReadOnlyList<string> experimentIds, SearchRunsOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experimentIds);
        options ??= new SearchRunsOptions();
        var request = new SearchRunsRequest(experimentIds, options.Filter, options.RunViewType, options.MaxResults, options.OrderBy, options.PageToken);
        var response = await _http.SendAsync(
            HttpMethod.Post, Routes.SearchRuns, request, ClientJson.Default.SearchRunsRequest, ClientJson.Default.SearchRunsResponse,
            idempotent: true, cancellationToken).ConfigureAwait(false);
        return new Page<Run>(response.Runs ?? [], response.NextPageToken);
    }

    /// <summary>Every run that matches, page after page, following the page tokens.</summary>
    /// <param name="experimentIds">The experiments to search in.</param>
    /// <param name="options">As for <see cref="SearchAsync"/>; <see cref="SearchRunsOptions.MaxResults"/> is the page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The runs, fetched a page at a time as the enumeration proceeds.</returns>
    /// <exception cref="MlflowApiException">The server refused a page.</exception>
    public async IAsyncEnumerable<Run> SearchAllAsync(
        IReadOnlyList<string> experimentIds, SearchRunsOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new SearchRunsOptions();
        do
        {
            var page = await SearchAsync(experimentIds, options, cancellationToken).ConfigureAwait(false);
            foreach (var run in page.Items)
            {
                yield return run;
            }

            options = page.HasNextPage ? options with { PageToken = page.NextPageToken } : null;
        }
        while (options is not null);
    }

    /// <summary>Sets (or overwrites) a tag of a run (POST runs/set-tag); the key <c>mlflow.runName</c> renames the run.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="key">The tag's key.</param>
    /// <param name="value">The tag's value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tag is stored.</returns>
    /// <exception cref="MlflowApiException">The run is unknown or deleted, or the key is invalid.</exception>
    public Task SetTagAsync(string runId, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _http.SendAsync(
            HttpMethod.Post, Routes.SetRunTag, new RunTagRequest(runId, key, value), ClientJson.Default.RunTagRequest, idempotent: true,
            cancellationToken);
    }

    /// <summary>Removes a tag of a run (POST runs/delete-tag).</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="key">The tag's key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tag is removed.</returns>
    /// <exception cref="MlflowApiException">RESOURCE_DOES_NOT_EXIST (404) when the run has no such tag.</exception>
    public Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _http.SendAsync(
            HttpMethod.Post, Routes.DeleteRunTag, new RunTagRequest(runId, key, null), ClientJson.Default.RunTagRequest, idempotent: false,
            cancellationToken);
    }

    private Task PostRunIdAsync(string route, string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        // MLflow makes runs/delete and runs/restore idempotent, so both are retried.
        return _http.SendAsync(HttpMethod.Post, route, new RunIdRequest(runId), ClientJson.Default.RunIdRequest, idempotent: true, cancellationToken);
    }
}
