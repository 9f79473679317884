using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MlTrack.Cli.Serving;

/// <summary>
/// Follows <c>models:/NAME@ALIAS</c>: polls the registry for the version the alias points at and, when it moved,
/// loads that version and swaps it in. The new model is fully loaded before the swap, so requests never wait for
/// it. A failed poll (the registry down, the alias deleted, a broken model) is logged and the current model keeps
/// being served; the next poll tries again.
/// </summary>
internal sealed class AliasFollower(
    ServedModel served, ModelLoader loader, ModelReference reference, TimeSpan interval, TimeProvider timeProvider, ILogger<AliasFollower> logger)
    : BackgroundService
{
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PollOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One poll: true when a new version was swapped in.</summary>
    public async Task<bool> PollOnceAsync(CancellationToken cancellationToken)
    {
        var current = served.Current;
        try
        {
            var version = await loader.CurrentVersionAsync(reference, cancellationToken);
            if (_failing)
            {
                _failing = false;
                logger.LogInformation("The registry answers again for {Uri}.", reference.Uri);
            }
            if (version == current.Version)
            {
                return false;
            }
            var next = await loader.LoadVersionAsync(reference, version, cancellationToken);
            served.Swap(next);
            logger.LogInformation("{Uri} moved from version {Old} to {New}: now serving version {New}.", reference.Uri, current.Version, version, version);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Logged once per outage, not on every poll.
            if (!_failing)
            {
                _failing = true;
                logger.LogWarning("Cannot follow {Uri} ({Error}); still serving version {Version}, retrying every {Interval} s.",
                    reference.Uri, e.Message, current.Version, interval.TotalSeconds);
            }
            return false;
        }
    }
}
