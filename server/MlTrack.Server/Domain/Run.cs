using System.Text.Json.Serialization;

namespace MlTrack.Server.Domain;

/// <summary>MLflow's RunStatus; written by name, read by name or number.</summary>
internal enum RunStatus
{
    RUNNING = 1,
    SCHEDULED = 2,
    FINISHED = 3,
    FAILED = 4,
    KILLED = 5,
}

internal sealed record RunInfo(
    string RunId,
    string ExperimentId,
    string RunName,
    string UserId,
    RunStatus Status,
    long StartTime,
    long? EndTime,
    string ArtifactUri,
    string LifecycleStage)
{
    /// <summary>MLflow sends the deprecated run_uuid beside run_id, always equal.</summary>
    [JsonPropertyOrder(-1)]
    public string RunUuid => RunId;
}

internal sealed record Metric(string Key, double Value, long Timestamp, long Step);

/// <summary>One point of a metric whose key is known from context (history reads).</summary>
internal readonly record struct MetricPoint(long Timestamp, long Step, double Value);

internal sealed record MetricWithRunId(string Key, double Value, long Timestamp, long Step, string RunId);

internal sealed record RunData(IReadOnlyList<Metric> Metrics, IReadOnlyList<KeyValue> Params, IReadOnlyList<KeyValue> Tags);

internal sealed record Dataset(string Name, string Digest, string SourceType, string Source, string? Schema, string? Profile);

internal sealed record DatasetInput(IReadOnlyList<KeyValue> Tags, Dataset Dataset);

internal sealed record RunInputs(IReadOnlyList<DatasetInput> DatasetInputs);

/// <summary>A run; <see cref="Inputs"/> is null only in the runs/create answer, as MLflow omits it there.</summary>
internal sealed record Run(RunInfo Info, RunData Data, RunInputs? Inputs);
