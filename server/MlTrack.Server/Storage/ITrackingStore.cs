using MlTrack.Server.Domain;
using MlTrack.Server.Search;

namespace MlTrack.Server.Storage;

/// <summary>A page of results and the opaque token of the next page (null on the last page).</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);

internal enum ViewType
{
    ACTIVE_ONLY = 1,
    DELETED_ONLY = 2,
    ALL = 3,
}

internal sealed record ExperimentQuery(
    IReadOnlyList<FilterClause> Filter, IReadOnlyList<OrderByTerm> OrderBy, ViewType ViewType, int MaxResults, int Offset,
    ReadScope? Readable = null);

internal sealed record RunQuery(
    IReadOnlyList<string> ExperimentIds,
    IReadOnlyList<FilterClause> Filter,
    IReadOnlyList<OrderByTerm> OrderBy,
    ViewType ViewType,
    int MaxResults,
    PageCursor Cursor);

internal sealed record NewRun(string ExperimentId, string UserId, string? RunName, long StartTime, IReadOnlyList<KeyValue> Tags);

/// <summary>
/// The tracking store contract (MLflow's AbstractStore). Errors are <see cref="Errors.MlflowException"/>s with
/// MLflow's codes; every write is committed before its task completes.
/// </summary>
internal interface ITrackingStore
{
    /// <summary>Creates an experiment; a name already used (even by a deleted one) is RESOURCE_ALREADY_EXISTS.</summary>
    Task<string> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyList<KeyValue> tags, CancellationToken cancellationToken);

    /// <summary>Any experiment, deleted ones included; unknown ids are RESOURCE_DOES_NOT_EXIST.</summary>
    Task<Experiment> GetExperimentAsync(string experimentId, CancellationToken cancellationToken);

    /// <summary>Exact, case-sensitive name match, deleted experiments included; null when none.</summary>
    Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken);

    Task<Page<Experiment>> SearchExperimentsAsync(ExperimentQuery query, CancellationToken cancellationToken);

    Task RenameExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken);

    /// <summary>Marks the experiment and all its runs deleted.</summary>
    Task DeleteExperimentAsync(string experimentId, CancellationToken cancellationToken);

    /// <summary>Restores the experiment and all its runs.</summary>
    Task RestoreExperimentAsync(string experimentId, CancellationToken cancellationToken);

    Task SetExperimentTagAsync(string experimentId, KeyValue tag, CancellationToken cancellationToken);

    Task DeleteExperimentTagAsync(string experimentId, string key, CancellationToken cancellationToken);

    /// <summary>Creates a RUNNING run; its name comes from run_name, else the mlflow.runName tag, else is generated.</summary>
    Task<Run> CreateRunAsync(NewRun run, CancellationToken cancellationToken);

    Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Changes only the given fields; a new name also rewrites the mlflow.runName tag.</summary>
    Task<RunInfo> UpdateRunAsync(string runId, RunStatus? status, long? endTime, string? runName, CancellationToken cancellationToken);

    Task DeleteRunAsync(string runId, CancellationToken cancellationToken);

    Task RestoreRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Logs params (immutable), metrics (exact duplicates dropped, latest value kept) and tags (upserted)
    /// atomically: all of it is stored or none.
    /// </summary>
    Task LogBatchAsync(
        string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<KeyValue> parameters, IReadOnlyList<KeyValue> tags,
        CancellationToken cancellationToken);

    Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken);

    /// <summary>Appends a logged model's JSON to the run tag mlflow.log-model.history.</summary>
    Task AppendLoggedModelAsync(string runId, string modelJson, CancellationToken cancellationToken);

    Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> inputs, CancellationToken cancellationToken);

    Task<Page<Run>> SearchRunsAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The points of a metric in (timestamp, step, value) order from <paramref name="offset"/> on, at most
    /// <paramref name="limit"/> of them (all when null), streamed in chunks whose array is reused for the next
    /// chunk (copy what you keep); nothing for an unknown run.
    /// </summary>
    IAsyncEnumerable<ArraySegment<MetricPoint>> GetMetricHistoryAsync(
        string runId, string key, int offset, int? limit, CancellationToken cancellationToken);

    /// <summary>Points of a metric for several runs at sampled steps (MLflow's get-history-bulk-interval).</summary>
    Task<IReadOnlyList<MetricWithRunId>> GetMetricHistoryBulkIntervalAsync(
        IReadOnlyList<string> runIds, string key, long? startStep, long? endStep, int maxResults, CancellationToken cancellationToken);
}
