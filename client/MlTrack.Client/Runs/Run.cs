namespace MlTrack.Client;

/// <summary>A run: its metadata, its logged data and its dataset inputs.</summary>
public sealed record Run
{
    /// <summary>The run's metadata: id, status, times, artifact location.</summary>
    public RunInfo Info { get; init => field = value ?? new(); } = new();

    /// <summary>The latest value of each metric, the params and the tags.</summary>
    public RunData Data { get; init => field = value ?? new(); } = new();

    /// <summary>The datasets logged as inputs (empty in the runs/create answer).</summary>
    public RunInputs Inputs { get; init => field = value ?? new(); } = new();
}

/// <summary>The metadata of a run.</summary>
public sealed record RunInfo
{
    /// <summary>The run's id: 32 lower-case hex characters.</summary>
    public string RunId { get; init => field = value ?? ""; } = "";

    /// <summary>The run's name (mirrored in the tag <c>mlflow.runName</c>).</summary>
    public string? RunName { get; init; }

    /// <summary>The experiment the run belongs to.</summary>
    public string ExperimentId { get; init => field = value ?? ""; } = "";

    /// <summary>Who created the run (<c>""</c> when the creator gave none).</summary>
    public string? UserId { get; init; }

    /// <summary>The run's status.</summary>
    public RunStatus Status { get; init => field = Enum.IsDefined(value) ? value : RunStatus.Running; } = RunStatus.Running;

    /// <summary>When the run started, in milliseconds since the Unix epoch.</summary>
    public long? StartTime { get; init; }

    /// <summary>When the run ended, in milliseconds since the Unix epoch; <see langword="null"/> while it has not.</summary>
    public long? EndTime { get; init; }

    /// <summary>The root of the run's artifacts, such as <c>mlflow-artifacts:/1/&lt;run id&gt;/artifacts</c>.</summary>
    public string? ArtifactUri { get; init; }

    /// <summary><see cref="Client.LifecycleStage.Active"/> or <see cref="Client.LifecycleStage.Deleted"/>.</summary>
    public string LifecycleStage { get; init => field = value ?? Client.LifecycleStage.Active; } = Client.LifecycleStage.Active;
}

/// <summary>What was logged to a run.</summary>
public sealed record RunData
{
    /// <summary>The latest point of each metric (greatest step, then timestamp, then value).</summary>
    public IReadOnlyList<Metric> Metrics { get; init => field = value ?? []; } = [];

    /// <summary>The run's parameters.</summary>
    public IReadOnlyList<Param> Params { get; init => field = value ?? []; } = [];

    /// <summary>The run's tags, system tags (<c>mlflow.*</c>) included.</summary>
    public IReadOnlyList<Tag> Tags { get; init => field = value ?? []; } = [];

    /// <summary>The value of a tag, or <see langword="null"/> when the run has no such tag.</summary>
    /// <param name="key">The tag's key.</param>
    public string? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key)?.Value;

    /// <summary>The value of a parameter, or <see langword="null"/> when the run has no such parameter.</summary>
    /// <param name="key">The parameter's name.</param>
    public string? Param(string key) => Params.FirstOrDefault(p => p.Key == key)?.Value;
}

/// <summary>The inputs of a run.</summary>
public sealed record RunInputs
{
    /// <summary>The datasets the run used, with their input tags.</summary>
    public IReadOnlyList<DatasetInput> DatasetInputs { get; init => field = value ?? []; } = [];
}

/// <summary>A dataset used by a run, with tags describing how (the tag <c>mlflow.data.context</c>, e.g. "training").</summary>
/// <param name="Tags">The input tags.</param>
/// <param name="Dataset">The dataset.</param>
public sealed record DatasetInput(IReadOnlyList<Tag> Tags, Dataset Dataset);

/// <summary>A dataset, identified within its experiment by name and digest.</summary>
/// <param name="Name">The dataset's name (at most 500 characters).</param>
/// <param name="Digest">A digest of its content (at most 36 characters).</param>
/// <param name="SourceType">The kind of source, such as <c>local</c>, <c>http</c> or <c>s3</c>.</param>
/// <param name="Source">Where the dataset comes from (for MLflow, a JSON description of the source).</param>
/// <param name="Schema">Its schema as JSON, if known.</param>
/// <param name="Profile">Its profile (row counts and the like) as JSON, if known.</param>
public sealed record Dataset(string Name, string Digest, string SourceType, string Source, string? Schema = null, string? Profile = null);
