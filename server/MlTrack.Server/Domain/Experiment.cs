namespace MlTrack.Server.Domain;

internal static class LifecycleStage
{
    public const string Active = "active";
    public const string Deleted = "deleted";
}

/// <summary>A key/value pair: experiment tag, run tag or param (all share MLflow's {key, value} shape).</summary>
internal sealed record KeyValue(string Key, string Value);

internal sealed record Experiment(
    string ExperimentId,
    string Name,
    string ArtifactLocation,
    string LifecycleStage,
    long? CreationTime,
    long? LastUpdateTime,
    IReadOnlyList<KeyValue> Tags);
