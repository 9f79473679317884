namespace MlTrack.Client;

/// <summary>A registered model of the model registry.</summary>
public sealed record RegisteredModel
{
    /// <summary>The model's unique name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>When the model was registered, in milliseconds since the Unix epoch.</summary>
    public long? CreationTimestamp { get; init; }

    /// <summary>When the model last changed, in milliseconds since the Unix epoch.</summary>
    public long? LastUpdatedTimestamp { get; init; }

    /// <summary>Who registered it.</summary>
    public string? UserId { get; init; }

    /// <summary>The model's description, if it has one.</summary>
    public string? Description { get; init; }

    /// <summary>The newest version in each stage that has one.</summary>
    public IReadOnlyList<ModelVersion> LatestVersions { get; init => field = value ?? []; } = [];

    /// <summary>The model's tags.</summary>
    public IReadOnlyList<Tag> Tags { get; init => field = value ?? []; } = [];

    /// <summary>The aliases of the model and the versions they point at.</summary>
    public IReadOnlyList<RegisteredModelAlias> Aliases { get; init => field = value ?? []; } = [];
}

/// <summary>An alias of a registered model (such as <c>champion</c>) and the version it points at.</summary>
/// <param name="Alias">The alias.</param>
/// <param name="Version">The version number, as a string.</param>
public sealed record RegisteredModelAlias(string Alias, string Version);

/// <summary>A version of a registered model.</summary>
public sealed record ModelVersion
{
    /// <summary>The registered model's name.</summary>
    public string Name { get; init => field = value ?? ""; } = "";

    /// <summary>The version number as a string (<c>"1"</c>, <c>"2"</c>, ...).</summary>
    public string Version { get; init => field = value ?? ""; } = "";

    /// <summary>When the version was created, in milliseconds since the Unix epoch.</summary>
    public long? CreationTimestamp { get; init; }

    /// <summary>When the version last changed, in milliseconds since the Unix epoch.</summary>
    public long? LastUpdatedTimestamp { get; init; }

    /// <summary>Who created it.</summary>
    public string? UserId { get; init; }

    /// <summary>The stage: one of <see cref="ModelVersionStages"/>.</summary>
    public string CurrentStage { get; init => field = value ?? ModelVersionStages.None; } = ModelVersionStages.None;

    /// <summary>The version's description.</summary>
    public string? Description { get; init; }

    /// <summary>Where the model files came from, such as <c>runs:/&lt;run id&gt;/model</c> or <c>mlflow-artifacts:/...</c>.</summary>
    public string? Source { get; init; }

    /// <summary>The run that produced the model, if any.</summary>
    public string? RunId { get; init; }

    /// <summary>The registration status; a version is usable once it is <see cref="ModelVersionStatus.Ready"/>.</summary>
    public ModelVersionStatus Status
    {
        get;
        init => field = Enum.IsDefined(value) ? value : ModelVersionStatus.PendingRegistration;
    } = ModelVersionStatus.PendingRegistration;

    /// <summary>Details about the status, if any.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>The version's tags.</summary>
    public IReadOnlyList<Tag> Tags { get; init => field = value ?? []; } = [];

    /// <summary>A link to the run that produced the model, if one was given.</summary>
    public string? RunLink { get; init; }

    /// <summary>The aliases pointing at this version.</summary>
    public IReadOnlyList<string> Aliases { get; init => field = value ?? []; } = [];
}

/// <summary>The stages a model version can be in (MLflow's model_version_stages.py).</summary>
public static class ModelVersionStages
{
    /// <summary>No stage: the stage of a new version.</summary>
    public const string None = "None";

    /// <summary>In staging.</summary>
    public const string Staging = "Staging";

    /// <summary>In production.</summary>
    public const string Production = "Production";

    /// <summary>Archived.</summary>
    public const string Archived = "Archived";
}
