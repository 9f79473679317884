using System.Runtime.CompilerServices;
using MlTrack.Client.Internal;

namespace MlTrack.Client;

/// <summary>Metric histories (metrics/get-history and metrics/get-history-bulk-interval).</summary>
public sealed class MetricsClient
{
    /// <summary>The page size MLflow's client asks for when it reads a whole history.</summary>
    public const int DefaultHistoryPageSize = 25_000;

    private readonly MlflowHttp _http;

    internal MetricsClient(MlflowHttp http) => _http = http;

    /// <summary>Reads one page of the points of one metric of a run (GET metrics/get-history).</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="key">The metric's name.</param>
    /// <param name="maxResults">The page size; when not given, servers that page (MlTrack) send every point at once.</param>
    /// <param name="pageToken">The token of the page to read, from a previous page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page, in the server's order (MlTrack: timestamp, step, value).</returns>
    /// <exception cref="MlflowApiException">The server refused the call.</exception>
    public async Task<Page<Metric>> GetHistoryAsync(
        string runId, string key, int? maxResults = null, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var query = new Query().Add("run_id", runId).Add("metric_key", key).Add("max_results", maxResults).Add("page_token", pageToken);
        var response = await _http.GetAsync(Routes.GetMetricHistory, query, ClientJson.Default.MetricHistoryResponse, cancellationToken)
            .ConfigureAwait(false);
        return new Page<Metric>(response.Metrics ?? [], response.NextPageToken);
    }

    /// <summary>Every point of one metric of a run, page after page, following the page tokens.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="key">The metric's name.</param>
    /// <param name="pageSize">How many points each request asks for.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The points, fetched a page at a time as the enumeration proceeds.</returns>
    /// <exception cref="MlflowApiException">The server refused a page.</exception>
    public async IAsyncEnumerable<Metric> GetHistoryAllAsync(
        string runId, string key, int pageSize = DefaultHistoryPageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        string? token = null;
        do
        {
            var page = await GetHistoryAsync(runId, key, pageSize, token, cancellationToken).ConfigureAwait(false);
            foreach (var metric in page.Items)
            {
                yield return metric;
            }

            token = page.HasNextPage ? page.NextPageToken : null;
        }
        while (token is not null);
    }

    /// <summary>
    /// Samples one metric of up to 100 runs over a step range, as the UI's charts do (GET metrics/get-history-bulk-interval):
    /// at most <paramref name="maxResults"/> steps, evenly spread, plus the first and last step of each run.
    /// </summary>
    /// <param name="runIds">The runs (1 to 100).</param>
    /// <param name="key">The metric's name.</param>
    /// <param name="startStep">The first step of the range; give both ends or neither.</param>
    /// <param name="endStep">The last step of the range.</param>
    /// <param name="maxResults">How many steps to sample (1 to 2,500; the server's default is 2,500).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The sampled points with their run ids.</returns>
    /// <exception cref="MlflowApiException">The server refused the call.</exception>
    public async Task<IReadOnlyList<MetricWithRunId>> GetHistoryBulkIntervalAsync(
        IReadOnlyList<string> runIds, string key, long? startStep = null, long? endStep = null, int? maxResults = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var query = new Query().AddEach("run_ids", runIds).Add("metric_key", key).Add("start_step", startStep).Add("end_step", endStep)
            .Add("max_results", maxResults);
        var response = await _http.GetAsync(Routes.GetMetricHistoryBulkInterval, query, ClientJson.Default.BulkMetricsResponse, cancellationToken)
            .ConfigureAwait(false);
        return response.Metrics ?? [];
    }
}
