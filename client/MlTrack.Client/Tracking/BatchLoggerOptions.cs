namespace MlTrack.Client;

/// <summary>Settings of a <see cref="MlflowBatchLogger"/>.</summary>
public sealed record BatchLoggerOptions
{
    /// <summary>The default of <see cref="MaxQueueLength"/>.</summary>
    public const int DefaultMaxQueueLength = 100_000;

    /// <summary>The default of <see cref="MaxConcurrentRequests"/>.</summary>
    public const int DefaultMaxConcurrentRequests = 2;

    /// <summary>How many items may wait to be sent before the logging calls block. Default 100,000.</summary>
    public int MaxQueueLength { get; init; } = DefaultMaxQueueLength;

    /// <summary>
    /// How many metric-only log-batch requests may be in flight at once (1 sends strictly one after another).
    /// Default 2, which lets the server parse one request while it stores the previous.
    /// </summary>
    public int MaxConcurrentRequests { get; init; } = DefaultMaxConcurrentRequests;
}
