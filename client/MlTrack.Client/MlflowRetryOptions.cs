using System.Net;

namespace MlTrack.Client;

/// <summary>
/// When and how the client repeats a failed call. Only calls that are safe to repeat are retried: reads, searches,
/// and writes whose repetition changes nothing (updates, tags, params, metric and batch logging, file uploads).
/// Creations, renames, tag removals, experiment and registry deletions, stage transitions and log-model are never retried.
/// </summary>
public sealed class MlflowRetryOptions
{
    /// <summary>How many times a call is repeated after its first attempt (0 turns retries off). Default 5.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>The wait before the first retry; each later wait doubles, up to <see cref="MaxDelay"/>. Default 1 s.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts, also for a server's Retry-After. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the waits are randomised, so that many clients do not retry in step. Default on.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>Whether failures to connect or to get an answer (including timeouts) are retried. Default on.</summary>
    public bool RetryConnectionFailures { get; set; } = true;

    /// <summary>The HTTP statuses that are retried. Default 429, 502, 503 and 504.</summary>
    public ISet<HttpStatusCode> StatusCodes { get; } = new HashSet<HttpStatusCode>
    {
        HttpStatusCode.TooManyRequests,
        HttpStatusCode.BadGateway,
        HttpStatusCode.ServiceUnavailable,
        HttpStatusCode.GatewayTimeout,
    };
}
