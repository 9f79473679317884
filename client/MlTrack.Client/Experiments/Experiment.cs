namespace MlTrack.Client;

/// <summary>An MLflow experiment: a named group of runs.</summary>
public sealed record Experiment
{
    /// <summary>The experiment's id, a decimal string (<c>"0"</c> is the default experiment).</summary>
    public string ExperimentId { get; init => field = value ?? ""; } = "";

    /// <summary>The experiment's unique name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>Where the runs of this experiment keep their artifacts (for example <c>mlflow-artifacts:/1</c>).</summary>
    public string? ArtifactLocation { get; init; }

    /// <summary><see cref="Client.LifecycleStage.Active"/> or <see cref="Client.LifecycleStage.Deleted"/>.</summary>
    public string LifecycleStage { get; init => field = value ?? Client.LifecycleStage.Active; } = Client.LifecycleStage.Active;

    /// <summary>When the experiment was created, in milliseconds since the Unix epoch.</summary>
    public long? CreationTime { get; init; }

    /// <summary>When the experiment last changed, in milliseconds since the Unix epoch.</summary>
    public long? LastUpdateTime { get; init; }

    /// <summary>The experiment's tags.</summary>
    public IReadOnlyList<Tag> Tags { get; init => field = value ?? []; } = [];
}

/// <summary>What <see cref="ExperimentsClient.SearchAsync"/> looks for (experiments/search).</summary>
public sealed record SearchExperimentsOptions
{
    /// <summary>A filter such as <c>name LIKE 'prod-%' AND tags.team = 'ml'</c>; none matches every experiment.</summary>
    public string? Filter { get; init; }

    /// <summary>Sort keys such as <c>name ASC</c> or <c>creation_time DESC</c>.</summary>
    public IReadOnlyList<string>? OrderBy { get; init; }

    /// <summary>Active, deleted or all experiments; the server's default is active only.</summary>
    public ViewType? ViewType { get; init; }

    /// <summary>The page size (1 to 50,000). MLflow's server has no default for it, so the client sends 1,000.</summary>
    public int MaxResults { get; init; } = 1000;

    /// <summary>The token of the page to read, from a previous page's <see cref="Page{T}.NextPageToken"/>.</summary>
    public string? PageToken { get; init; }
}
