using Cronos;

namespace MlTrack.Cli.Retraining;

/// <summary>When cycles run: at the times of a cron schedule, and/or when the data folder changes.</summary>
/// <param name="Cron">A standard 5-field cron expression, or null for none.</param>
/// <param name="TimeZone">The zone the cron expression is read in.</param>
/// <param name="PollInterval">How often the folder is checked for new data, or null to not watch it.</param>
/// <param name="DriftOnly">New data starts a cycle only when it has drifted from the champion's training data.</param>
internal sealed record RetrainSchedule(CronExpression? Cron, TimeZoneInfo TimeZone, TimeSpan? PollInterval, bool DriftOnly);

/// <summary>
/// Runs cycles when their triggers fire, one after another, never two at once: a tick that comes while a cycle runs
/// is not queued, the next tick after the cycle counts. Time comes from a <see cref="TimeProvider"/>, so tests move
/// the clock instead of waiting. A failed cycle is logged and the scheduler goes on.
/// </summary>
internal sealed class RetrainScheduler(
    RetrainSchedule schedule,
    Func<string> dataVersion,
    Func<RetrainTrigger, CancellationToken, Task<CycleOutcome>> runCycle,
    TimeProvider time,
    RetrainLog log)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var nextTick = NextTick();
        // The folder is checked at once: data that arrived while no scheduler ran is not missed.
        DateTimeOffset? nextPoll = schedule.PollInterval is null ? null : time.GetUtcNow();
        string? seen = null;
        log.Info($"waiting for {Describe()}");
        while (true)
        {
            var due = Earliest(nextTick, nextPoll) ?? throw new CliException("Nothing to wait for: give --schedule, or watch the data folder.");
            var delay = due - time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, cancellationToken);
            }
            if (nextTick is { } tick && time.GetUtcNow() >= tick)
            {
                await RunSafelyAsync(RetrainTrigger.Schedule, cancellationToken);
                nextTick = NextTick();
            }
            if (nextPoll is { } poll && time.GetUtcNow() >= poll)
            {
                var version = SafeDataVersion();
                if (version is not null && version != seen)
                {
                    seen = version;
                    await RunSafelyAsync(schedule.DriftOnly ? RetrainTrigger.Drift : RetrainTrigger.NewData, cancellationToken);
                }
                nextPoll = time.GetUtcNow() + schedule.PollInterval!.Value;
            }
        }
    }

    private DateTimeOffset? NextTick() => schedule.Cron?.GetNextOccurrence(time.GetUtcNow(), schedule.TimeZone);

    private async Task RunSafelyAsync(RetrainTrigger trigger, CancellationToken cancellationToken)
    {
        try
        {
            await runCycle(trigger, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.Info($"cycle failed: {e.Message} — nothing was promoted; the next trigger tries again");
        }
    }

    private string? SafeDataVersion()
    {
        try
        {
            return dataVersion();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Info($"cannot read the data folder: {e.Message}");
            return null;
        }
    }

    private string Describe()
    {
        var parts = new List<string>();
        if (schedule.Cron is not null)
        {
            parts.Add($"the schedule '{schedule.Cron}' ({schedule.TimeZone.Id}), next at {NextTick():u}");
        }
        if (schedule.PollInterval is { } interval)
        {
            parts.Add($"{(schedule.DriftOnly ? "drifted" : "new")} data (checked every {interval.TotalSeconds:0.#} s)");
        }
        return string.Join(" and ", parts);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a < b ? a : b);
}
