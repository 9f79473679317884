using MlTrack.Client.Internal;

namespace MlTrack.Client;

/// <summary>The logging calls of <see cref="RunsClient"/>: one request each. For many values, use <see cref="MlflowBatchLogger"/>.</summary>
public sealed partial class RunsClient
{
    /// <summary>The most metrics one log-batch request may carry (mlflow/utils/validation.py MAX_METRICS_PER_BATCH).</summary>
    public const int MaxMetricsPerBatch = 1000;

    /// <summary>The most params one log-batch request may carry (MAX_PARAMS_TAGS_PER_BATCH).</summary>
    public const int MaxParamsPerBatch = 100;

    /// <summary>The most tags one log-batch request may carry (MAX_PARAMS_TAGS_PER_BATCH).</summary>
    public const int MaxTagsPerBatch = 100;

    /// <summary>The most metrics, params and tags together one log-batch request may carry (MAX_ENTITIES_PER_BATCH).</summary>
    public const int MaxEntitiesPerBatch = 1000;

    /// <summary>Logs one metric point (POST runs/log-metric). An exact duplicate point is ignored by the server.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="key">The metric's name.</param>
    /// <param name="value">The value; NaN and ±infinity are sent as MLflow's strings.</param>
    /// <param name="step">The training step.</param>
    /// <param name="timestamp">Milliseconds since the Unix epoch; now when not given.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the point is stored.</returns>
    /// <exception cref="MlflowApiException">The run is unknown or deleted, or the key is invalid.</exception>
    public Task LogMetricAsync(
        string runId, string key, double value, long step = 0, long? timestamp = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var request = new LogMetricRequest(runId, key, value, timestamp ?? _http.NowMilliseconds, step);
        return _http.SendAsync(HttpMethod.Post, Routes.LogMetric, request, ClientJson.Default.LogMetricRequest, idempotent: true, cancellationToken);
    }

    /// <summary>Logs a parameter (POST runs/log-parameter). Logging the same value again is harmless; another value is refused.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="key">The parameter's name.</param>
    /// <param name="value">The parameter's value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the parameter is stored.</returns>
    /// <exception cref="MlflowApiException">INVALID_PARAMETER_VALUE (400) when the run already has another value for it.</exception>
    public Task LogParamAsync(string runId, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        return _http.SendAsync(
            HttpMethod.Post, Routes.LogParam, new LogParamRequest(runId, key, value), ClientJson.Default.LogParamRequest, idempotent: true,
            cancellationToken);
    }

    /// <summary>
    /// Logs metrics, params and tags in one request (POST runs/log-batch), within MLflow's limits: at most
    /// <see cref="MaxMetricsPerBatch"/> metrics, <see cref="MaxParamsPerBatch"/> params, <see cref="MaxTagsPerBatch"/>
    /// tags and <see cref="MaxEntitiesPerBatch"/> in all, and no param key twice.
    /// </summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="metrics">Metric points.</param>
    /// <param name="parameters">Parameters.</param>
    /// <param name="tags">Tags.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when everything is stored.</returns>
    /// <exception cref="ArgumentException">The batch is over a limit.</exception>
    /// <exception cref="MlflowApiException">The server refused the batch (which it may have stored in part).</exception>
    public Task LogBatchAsync(
        string runId, IReadOnlyList<Metric>? metrics = null, IReadOnlyList<Param>? parameters = null, IReadOnlyList<Tag>? tags = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        int metricCount = metrics?.Count ?? 0, paramCount = parameters?.Count ?? 0, tagCount = tags?.Count ?? 0;
        if (metricCount > MaxMetricsPerBatch || paramCount > MaxParamsPerBatch || tagCount > MaxTagsPerBatch
            || metricCount + paramCount + tagCount > MaxEntitiesPerBatch)
        {
            throw new ArgumentException(
                $"A log-batch request may carry at most {MaxMetricsPerBatch} metrics, {MaxParamsPerBatch} params, {MaxTagsPerBatch} tags and "
                + $"{MaxEntitiesPerBatch} in all; this one has {metricCount}, {paramCount} and {tagCount}. MlflowBatchLogger splits for you.");
        }

        var request = new LogBatchRequest(runId, NullIfEmpty(metrics), NullIfEmpty(parameters), NullIfEmpty(tags));
        // Idempotent in MLflow: duplicate metric points are dropped, equal params skipped, tags overwritten.
        return _http.SendAsync(HttpMethod.Post, Routes.LogBatch, request, ClientJson.Default.LogBatchRequest, idempotent: true, cancellationToken);
    }

    /// <summary>Records datasets as inputs of a run (POST runs/log-inputs).</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="datasets">The datasets with their input tags (such as <c>mlflow.data.context</c> = <c>training</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the inputs are stored.</returns>
    /// <exception cref="MlflowApiException">The run is unknown or deleted, or a dataset field is missing or too long.</exception>
    public Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> datasets, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(datasets);
        return _http.SendAsync(
            HttpMethod.Post, Routes.LogInputs, new LogInputsRequest(runId, datasets), ClientJson.Default.LogInputsRequest, idempotent: true,
            cancellationToken);
    }

    /// <summary>
    /// Appends a logged model's MLmodel description to the run's tag <c>mlflow.log-model.history</c> (POST runs/log-model).
    /// Not retried: each call appends.
    /// </summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="modelJson">The MLmodel as a JSON string; it needs artifact_path, flavors, utc_time_created and run_id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the model is recorded.</returns>
    /// <exception cref="MlflowApiException">INVALID_PARAMETER_VALUE (400) when the JSON lacks a mandatory field.</exception>
    public Task LogModelAsync(string runId, string modelJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(modelJson);
        return _http.SendAsync(
            HttpMethod.Post, Routes.LogModel, new LogModelRequest(runId, modelJson), ClientJson.Default.LogModelRequest, idempotent: false,
            cancellationToken);
    }

    private static IReadOnlyList<T>? NullIfEmpty<T>(IReadOnlyList<T>? items) => items is null || items.Count == 0 ? null : items;
}
