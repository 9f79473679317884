namespace MlTrack.Cli.Retraining;

/// <summary>What started a cycle; recorded on its run as <c>mltrack.retrain.trigger</c>.</summary>
internal enum RetrainTrigger
{
    Manual,
    Schedule,
    NewData,
    Drift,
}

/// <summary>How a cycle ended; recorded on its run as <c>mltrack.retrain.outcome</c>.</summary>
internal enum CycleResult
{
    /// <summary>A new version was registered and the alias moved to it.</summary>
    Promoted,

    /// <summary>A new version was registered, but the champion stayed: the challenger was not better by the margin.</summary>
    KeptChampion,

    /// <summary>The data failed validation: a FAILED run says why; nothing was registered or promoted.</summary>
    GateFailed,

    /// <summary>Nothing to do: no data, data already trained on, no drift, or another cycle running.</summary>
    Skipped,
}

internal sealed record CycleOutcome(CycleResult Result, string Reason, string? RunId = null, string? Version = null)
{
    public static CycleOutcome Skip(string reason) => new(CycleResult.Skipped, reason);

    /// <summary>The tag value: snake_case, as MLflow-style tags are.</summary>
    public static string TagValue(CycleResult result) => result switch
    {
        CycleResult.Promoted => "promoted",
        CycleResult.KeptChampion => "kept_champion",
        CycleResult.GateFailed => "gate_failed",
        _ => "skipped",
    };
}
