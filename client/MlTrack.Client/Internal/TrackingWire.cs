namespace MlTrack.Client.Internal;

// Request and response bodies of the tracking service (mlflow/protos/service.proto). Null fields are left out.

internal sealed record EmptyResponse;

internal sealed record CreateExperimentRequest(string Name, string? ArtifactLocation, IReadOnlyList<Tag>? Tags);

internal sealed record CreateExperimentResponse(string ExperimentId);

internal sealed record ExperimentResponse(Experiment Experiment);

internal sealed record SearchExperimentsRequest(
    long MaxResults, string? PageToken, string? Filter, IReadOnlyList<string>? OrderBy, ViewType? ViewType);

internal sealed record SearchExperimentsResponse(IReadOnlyList<Experiment>? Experiments, string? NextPageToken);

internal sealed record ExperimentIdRequest(string ExperimentId);

internal sealed record UpdateExperimentRequest(string ExperimentId, string NewName);

internal sealed record ExperimentTagRequest(string ExperimentId, string Key, string? Value);

internal sealed record CreateRunRequest(
    string ExperimentId, string? UserId, string? RunName, long? StartTime, IReadOnlyList<Tag>? Tags);

internal sealed record RunResponse(Run Run);

internal sealed record UpdateRunRequest(string RunId, RunStatus? Status, long? EndTime, string? RunName);

internal sealed record UpdateRunResponse(RunInfo RunInfo);

internal sealed record RunIdRequest(string RunId);

internal sealed record SearchRunsRequest(
    IReadOnlyList<string> ExperimentIds, string? Filter, ViewType? RunViewType, int? MaxResults, IReadOnlyList<string>? OrderBy, string? PageToken);

internal sealed record SearchRunsResponse(IReadOnlyList<Run>? Runs, string? NextPageToken);

internal sealed record RunTagRequest(string RunId, string Key, string? Value);

internal sealed record LogMetricRequest(string RunId, string Key, double Value, long Timestamp, long Step);

internal sealed record LogParamRequest(string RunId, string Key, string Value);

internal sealed record LogBatchRequest(string RunId, IReadOnlyList<Metric>? Metrics, IReadOnlyList<Param>? Params, IReadOnlyList<Tag>? Tags);

internal sealed record LogInputsRequest(string RunId, IReadOnlyList<DatasetInput> Datasets);

internal sealed record LogModelRequest(string RunId, string ModelJson);

internal sealed record MetricHistoryResponse(IReadOnlyList<Metric>? Metrics, string? NextPageToken);

internal sealed record BulkMetricsResponse(IReadOnlyList<MetricWithRunId>? Metrics);

internal sealed record ListArtifactsResponse(string? RootUri, IReadOnlyList<ArtifactInfo>? Files, string? NextPageToken);
