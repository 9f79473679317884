namespace MlTrack.Client;

/// <summary>What <see cref="MlflowClient.StartRunAsync"/> starts or resumes.</summary>
public sealed record StartRunOptions
{
    /// <summary>
    /// A run to resume instead of creating one; when not given, <see cref="MlflowClientOptions.RunId"/> (MLFLOW_RUN_ID) is used.
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>The experiment of a new run, by id; takes precedence over every other way of choosing it.</summary>
    public string? ExperimentId { get; init; }

    /// <summary>The experiment of a new run, by name (created when missing).</summary>
    public string? ExperimentName { get; init; }

    /// <summary>The new run's name (also set as the tag <c>mlflow.runName</c>); the server makes one up when not given.</summary>
    public string? RunName { get; init; }

    /// <summary>Makes the new run a child of this run (tag <c>mlflow.parentRunId</c>), as MLflow's nested runs.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>Tags for the run; on a new run they override the system tags of the same key.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Settings of the run's batching logger.</summary>
    public BatchLoggerOptions? Logger { get; init; }
}
