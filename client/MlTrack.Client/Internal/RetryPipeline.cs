using Polly;
using Polly.Retry;

namespace MlTrack.Client.Internal;

/// <summary>
/// The retry strategy of idempotent calls, as Polly builds it: exponential backoff with jitter on the configured
/// statuses and on connection failures, a server's Retry-After honoured, a bounded number of attempts.
/// </summary>
internal static class RetryPipeline
{
    public static ResiliencePipeline<HttpResponseMessage> Create(MlflowRetryOptions options, TimeProvider time)
    {
        if (options.MaxRetries == 0)
        {
            return ResiliencePipeline<HttpResponseMessage>.Empty;
        }

        var statuses = options.StatusCodes.ToHashSet();
        var connectionFailures = options.RetryConnectionFailures;
        var maxDelay = options.MaxDelay;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.InitialDelay,
                MaxDelay = maxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: { } response } => statuses.Contains(response.StatusCode),
                    { Exception: HttpRequestException } => connectionFailures,
                    // HttpClient's own timeout; a cancellation by the caller is never retried.
                    { Exception: OperationCanceledException } => connectionFailures && !args.Context.CancellationToken.IsCancellationRequested,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time, maxDelay)),
                OnRetry = args =>
                {
                    // The failed answer is dropped; free its connection before the next attempt.
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();
    }

    // A 429 or 503 may say how long to wait; never longer than MaxDelay.
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time, TimeSpan maxDelay)
    {
        var header = response?.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        return delay is null ? null : TimeSpan.FromTicks(Math.Clamp(delay.Value.Ticks, 0, maxDelay.Ticks));
    }
}
