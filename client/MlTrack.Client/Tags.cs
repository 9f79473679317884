namespace MlTrack.Client;

/// <summary>A tag: on an experiment, a run, a dataset input, a registered model or a model version.</summary>
/// <param name="Key">The tag's key (at most 250 characters; MLflow's system tags start with <c>mlflow.</c>).</param>
/// <param name="Value">The tag's value.</param>
public sealed record Tag(string Key, string Value);

/// <summary>A run parameter. Once logged, a parameter's value cannot change (MLflow compares the strings exactly).</summary>
/// <param name="Key">The parameter's name (at most 250 characters).</param>
/// <param name="Value">The parameter's value (MLflow truncates values over 6,000 characters).</param>
public sealed record Param(string Key, string Value);

/// <summary>A metric point of a run.</summary>
/// <param name="Key">The metric's name (at most 250 characters).</param>
/// <param name="Value">The value; NaN and ±infinity are allowed (sent as <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>).</param>
/// <param name="Timestamp">When the value was measured, in milliseconds since the Unix epoch.</param>
/// <param name="Step">The training step (0 when not given).</param>
public sealed record Metric(string Key, double Value, long Timestamp, long Step = 0);

/// <summary>A metric point together with the run it belongs to (metrics/get-history-bulk-interval).</summary>
/// <param name="Key">The metric's name.</param>
/// <param name="Value">The value.</param>
/// <param name="Timestamp">Milliseconds since the Unix epoch.</param>
/// <param name="Step">The training step.</param>
/// <param name="RunId">The run of the point.</param>
public sealed record MetricWithRunId(string Key, double Value, long Timestamp, long Step, string RunId);

/// <summary>The lifecycle stages of experiments and runs.</summary>
public static class LifecycleStage
{
    /// <summary>Not deleted.</summary>
    public const string Active = "active";

    /// <summary>Deleted (still readable, restorable, hidden from searches unless asked for).</summary>
    public const string Deleted = "deleted";
}
