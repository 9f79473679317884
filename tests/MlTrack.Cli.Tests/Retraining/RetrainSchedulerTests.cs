using System.Collections.Concurrent;
using Cronos;
using Microsoft.Extensions.Time.Testing;
using MlTrack.Cli.Retraining;
using Spectre.Console;

namespace MlTrack.Cli.Tests.Retraining;

/// <summary>The scheduler's timing under a fake clock: no test waits for real time to pass.</summary>
public sealed class RetrainSchedulerTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    private FakeTimeProvider _time = null!;
    private ConcurrentQueue<(RetrainTrigger Trigger, DateTimeOffset At)> _cycles = null!;
    private SemaphoreSlim _ran = null!;
    private StringWriter _log = null!;
    private CancellationTokenSource _stop = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 30, 0, TimeSpan.Zero));
        _cycles = new();
        _ran = new SemaphoreSlim(0);
        _log = new StringWriter();
        _stop = new CancellationTokenSource();
    }

    [TearDown]
    public void TearDown()
    {
        _stop.Cancel();
        _stop.Dispose();
        _ran.Dispose();
        _log.Dispose();
    }

    [Test]
    public async Task An_hourly_schedule_fires_on_the_hour_and_not_before()
    {
        var scheduler = Scheduler(new RetrainSchedule(Cron("0 * * * *"), TimeZoneInfo.Utc, null, DriftOnly: false));
        var running = scheduler.RunAsync(_stop.Token);

        await AdvanceAsync(TimeSpan.FromMinutes(29) + TimeSpan.FromSeconds(59));
        _cycles.Should().BeEmpty("10:59:59 is before the first tick");
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await WaitForCyclesAsync(1);
        await AdvanceAsync(TimeSpan.FromMinutes(59));
        _cycles.Should().HaveCount(1);
        await AdvanceAsync(TimeSpan.FromMinutes(1));
        await WaitForCyclesAsync(2);

        _cycles.Select(c => (c.Trigger, c.At)).Should().Equal(
            (RetrainTrigger.Schedule, new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.Zero)),
            (RetrainTrigger.Schedule, new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero)));
        running.IsCompleted.Should().BeFalse();
    }

    [Test]
    public async Task A_daily_schedule_is_read_in_its_time_zone()
    {
        // 09:00 in Tokyo (UTC+9, no daylight saving) is 00:00 UTC.
        var scheduler = Scheduler(new RetrainSchedule(Cron("0 9 * * *"), TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"), null, DriftOnly: false));
        _ = scheduler.RunAsync(_stop.Token);

        await AdvanceAsync(TimeSpan.FromHours(13) + TimeSpan.FromMinutes(29));
        _cycles.Should().BeEmpty();
        await AdvanceAsync(TimeSpan.FromMinutes(1));
        await WaitForCyclesAsync(1);

        _cycles.Single().At.Should().Be(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));
    }

    [Test]
    public async Task New_data_starts_a_cycle_and_unchanged_data_does_not()
    {
        var version = "a";
        var scheduler = Scheduler(new RetrainSchedule(null, TimeZoneInfo.Utc, TimeSpan.FromSeconds(10), DriftOnly: false), () => version);
        _ = scheduler.RunAsync(_stop.Token);

        await WaitForCyclesAsync(1);
        await AdvanceAsync(TimeSpan.FromSeconds(30));
        _cycles.Should().HaveCount(1, "the folder did not change");
        version = "b";
        await AdvanceAsync(TimeSpan.FromSeconds(10));
        await WaitForCyclesAsync(2);

        _cycles.Should().OnlyContain(c => c.Trigger == RetrainTrigger.NewData);
    }

    [Test]
    public async Task In_drift_only_mode_new_data_asks_for_a_drift_cycle()
    {
        var scheduler = Scheduler(new RetrainSchedule(null, TimeZoneInfo.Utc, TimeSpan.FromSeconds(10), DriftOnly: true), () => "v1");
        _ = scheduler.RunAsync(_stop.Token);

        await WaitForCyclesAsync(1);

        _cycles.Single().Trigger.Should().Be(RetrainTrigger.Drift);
    }

    [Test]
    public async Task A_failing_cycle_is_logged_and_the_schedule_goes_on()
    {
        var scheduler = new RetrainScheduler(
            new RetrainSchedule(Cron("*/5 * * * *"), TimeZoneInfo.Utc, null, DriftOnly: false),
            () => "v",
            (trigger, _) =>
            {
                _cycles.Enqueue((trigger, _time.GetUtcNow()));
                _ran.Release();
                throw new HttpRequestException("connection refused");
            },
            _time,
            Log());
        var running = scheduler.RunAsync(_stop.Token);

        await AdvanceAsync(TimeSpan.FromMinutes(5));
        await WaitForCyclesAsync(1);
        await AdvanceAsync(TimeSpan.FromMinutes(5));
        await WaitForCyclesAsync(2);

        running.IsFaulted.Should().BeFalse();
        _log.ToString().Should().Contain("cycle failed: connection refused");
    }

    [Test]
    public async Task Ticks_during_a_long_cycle_are_not_queued()
    {
        var release = new TaskCompletionSource();
        var scheduler = new RetrainScheduler(
            new RetrainSchedule(Cron("* * * * *"), TimeZoneInfo.Utc, null, DriftOnly: false),
            () => "v",
            async (trigger, _) =>
            {
                _cycles.Enqueue((trigger, _time.GetUtcNow()));
                _ran.Release();
                if (_cycles.Count == 1)
                {
                    await release.Task;
                }
                return CycleOutcome.Skip("test");
            },
            _time,
            Log());
        _ = scheduler.RunAsync(_stop.Token);

        await AdvanceAsync(TimeSpan.FromMinutes(1));
        await WaitForCyclesAsync(1);
        await AdvanceAsync(TimeSpan.FromMinutes(10));   // ten ticks pass while the first cycle runs
        release.SetResult();
        await Task.Delay(Settle);
        _cycles.Should().HaveCount(1, "missed ticks are dropped, not replayed");
        await AdvanceAsync(TimeSpan.FromMinutes(1));
        await WaitForCyclesAsync(2);

        _cycles.Should().HaveCount(2);
    }

    private RetrainScheduler Scheduler(RetrainSchedule schedule, Func<string>? version = null) => new(
        schedule,
        version ?? (() => "v"),
        (trigger, _) =>
        {
            _cycles.Enqueue((trigger, _time.GetUtcNow()));
            _ran.Release();
            return Task.FromResult(CycleOutcome.Skip("test"));
        },
        _time,
        Log());

    private RetrainLog Log() => new(CliContext.ConsoleOn(_log, redirected: true), _time);

    private static CronExpression Cron(string text) => CronExpression.Parse(text);

    /// <summary>Lets the scheduler reach its next wait, then moves the clock.</summary>
    private async Task AdvanceAsync(TimeSpan by)
    {
        await Task.Delay(50);
        _time.Advance(by);
        await Task.Delay(50);
    }

    private async Task WaitForCyclesAsync(int count)
    {
        while (_cycles.Count < count)
        {
            (await _ran.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue($"cycle {count} should have run by {_time.GetUtcNow():u}");
        }
    }
}
