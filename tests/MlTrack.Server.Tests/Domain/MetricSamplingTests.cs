using MlTrack.Server.Domain;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Domain;

/// <summary>
/// The store-independent half of get-history-bulk-interval: steps counted and picked from 64-step blocks must be
/// exactly the steps MLflow picks by sorting every step (<see cref="MlflowSampling"/>), for any series and interval,
/// and however little the first pass may remember.
/// </summary>
public sealed class MetricSamplingTests
{
    [Test]
    public async Task SampledStepsAreMlflowsOnRandomSeries()
    {
        var random = new Random(20261127);
        for (var test = 0; test < 3000; test++)
        {
            var runs = Enumerable.Range(0, random.Next(1, 5)).Select(_ => RandomSeries(random)).ToList();
            var maxResults = random.Next(4) switch { 0 => random.Next(1, 4), 1 => random.Next(1, 60), 2 => 1000, _ => 2500 };
            var (start, end) = RandomInterval(random, runs);
            var marks = random.Next(3) == 0 ? MetricSampling.DefaultMarks : random.Next(2, 9);

            var sampled = await SampleAsync(runs, start, end, maxResults, marks);

            sampled.Should().Equal(MlflowSampling.SampledSteps(runs, start, end, maxResults),
                $"case {test}: {runs.Count} runs of {string.Join("/", runs.Select(r => r.Count))} steps, interval {start}..{end}, "
                + $"max_results {maxResults}, {marks} marks");
        }
    }

    [Test]
    public async Task StepsAtTheEndsOfLongAreSampledToo()
    {
        List<IReadOnlyList<long>> runs =
        [
            [long.MinValue, long.MinValue + 1, -65, -64, -1, 0, 63, 64, long.MaxValue - 64, long.MaxValue],
            [-2, 62, 127, 128, long.MaxValue - 1],
        ];

        foreach (var (start, end) in new (long?, long?)[] { (null, null), (long.MinValue, long.MaxValue), (-64, 64), (long.MaxValue, long.MaxValue), (-1, -1) })
        {
            foreach (var maxResults in new[] { 1, 3, 2500 })
            {
                (await SampleAsync(runs, start, end, maxResults, 2)).Should().Equal(MlflowSampling.SampledSteps(runs, start, end, maxResults));
            }
        }
    }

    [Test]
    public void RanksMirrorMlflowsIndexQuirkWhenStepsLieBelowTheInterval()
    {
        // 10 steps below start, 90 in range, max_results 10: MLflow's indexes are 10 + int(i * 9.0), kept while < 90
        // (the number in range, not the end index), so 91 is dropped; the last step's index 99 is always added.
        MetricSampling.Ranks(below: 10, count: 90, maxResults: 10).Should().Equal(10, 19, 28, 37, 46, 55, 64, 73, 82, 99);
        MetricSampling.Ranks(below: 0, count: 90, maxResults: 10).Should().Equal(0, 9, 18, 27, 36, 45, 54, 63, 72, 81, 89);
        MetricSampling.Ranks(below: 5, count: 3, maxResults: 10).Should().Equal(5, 6, 7);
    }

    [Test]
    public async Task AMillionStepSeriesIsCountedInOnePassOverItsBlocksAndPickedWithoutReadingAgain()
    {
        var run = Enumerable.Range(0, 1_000_000).Select(i => (long)i).ToList();
        var reader = new ListReader([run], StepBlock.BlockOf(999_999));

        var sampled = await MetricSampling.SampleStepsAsync(reader, [new StepRange(0, 999_999)], 0, 999_999, 1000, CancellationToken.None);

        sampled.Should().Equal(Enumerable.Range(0, 1000).Select(i => i * 1000L).Append(999_999));
        reader.Seeks.Should().Be(1);
        reader.Reads.Should().Be(15_625, "1,000,000 steps are 15,625 blocks of 64");
    }

    [Test]
    public async Task WithLittleMemoryTheSecondPassReadsOnlyNearTheChosenSteps()
    {
        var run = Enumerable.Range(0, 1_000_000).Select(i => (long)i).ToList();
        var reader = new ListReader([run], StepBlock.BlockOf(999_999));

        var sampled = await MetricSampling.SampleStepsAsync(reader, [new StepRange(0, 999_999)], 0, 999_999, 1000, CancellationToken.None, marks: 1024);

        sampled.Should().Equal(Enumerable.Range(0, 1000).Select(i => i * 1000L).Append(999_999));
        // 15,625 blocks remembered 1 in 16: each chosen step is at most 15 blocks past a remembered one.
        (reader.Reads - 15_625).Should().BeLessThanOrEqualTo(1001 * 15);
    }

    [Test]
    public void BlocksHoldEveryLongStep()
    {
        foreach (var step in new[] { long.MinValue, long.MinValue + 63, -65, -64, -63, -1, 0, 1, 63, 64, long.MaxValue - 63, long.MaxValue })
        {
            var block = new StepBlock(StepBlock.BlockOf(step), StepBlock.BitOf(step), 0, 0);
            block.FirstStep.Should().Be(step);
            block.LastStep.Should().Be(step);
        }

        StepBlock.From(-1, -60).Should().Be(ulong.MaxValue << 4);
        StepBlock.Through(-1, -60).Should().Be(0b11111UL);
        StepBlock.From(0, -1).Should().Be(ulong.MaxValue);
        StepBlock.Through(0, -1).Should().Be(0UL);
        StepBlock.NthStep(2, 0b1010_0110UL, 2).Should().Be(128 + 5);
    }

    [Test]
    public void ABatchIsSummarizedPerBlockWithItsTimeRange()
    {
        var points = new[] { (3L, 500L), (1L, 100L), (70L, 50L), (2L, 900L), (3L, 10L), (-1L, 7L) }
            .Select(p => new Metric("loss", 0.5, p.Item2, p.Item1)).ToList();
        var inOrder = new List<StepBlock> { new(-5, 1, 1, 1) };
        var blocks = new List<StepBlock> { new(-5, 1, 1, 1) };

        // Appended after what the list holds; in step order, or not.
        StepBlock.Summarize(points, [5, 4, 1, 3, 2], inOrder);
        StepBlock.Summarize(points, [0, 1, 2, 3, 4, 5], blocks);

        inOrder.Should().Equal(new StepBlock(-5, 1, 1, 1), new StepBlock(-1, 1UL << 63, 7, 7), new StepBlock(0, 0b1110UL, 10, 900), new StepBlock(1, 1UL << 6, 50, 50));
        blocks.Should().Equal(
            new StepBlock(-5, 1, 1, 1),
            new StepBlock(-1, 1UL << 63, 7, 7),
            new StepBlock(0, 0b1110UL, 10, 900),
            new StepBlock(1, 1UL << 6, 50, 50));
    }

    [Test]
    public void PointsAreLookedForOnlyInTheTimeRangesOfTheRunsOwnSampledSteps()
    {
        var blocks = new[]
        {
            new StepBlock(0, 0b11UL, 100, 200),
            new StepBlock(1, 1UL, 150, 300),   // overlaps the first: merged
            new StepBlock(2, 1UL, 301, 400),   // touches: merged
            new StepBlock(5, 1UL, 900, 950),
            new StepBlock(9, 1UL, 10, 20),     // the run lacks the sampled step of this block
        };

        var (steps, ranges) = StepBlock.Locate([0, 1, 64, 128, 320, 577], blocks);

        steps.Should().BeEquivalentTo([0L, 1, 64, 128, 320]);
        ranges.Should().Equal(new TimeRange(100, 400, 0, 128), new TimeRange(900, 950, 320, 320));
    }

    [Test]
    public void OnlyTheFirstPointsInSqlOrderAreKept()
    {
        var first = new FirstPoints(3);
        var random = new Random(7);
        var all = Enumerable.Range(0, 1000).Select(i => (Step: (long)random.Next(50), Timestamp: (long)random.Next(1000), Value: (double)random.Next(10))).ToList();
        foreach (var (step, timestamp, value) in all)
        {
            first.Add(step, timestamp, value, isNan: false);
        }

        first.ToList().Select(p => (p.Step, p.Timestamp, p.Value)).Should().Equal(
            all.OrderBy(p => p.Step).ThenBy(p => p.Timestamp).ThenBy(p => p.Value).Take(3));
    }

    private static async Task<List<long>> SampleAsync(IReadOnlyList<IReadOnlyList<long>> runs, long? startStep, long? endStep, int maxResults, int marks)
    {
        var ranges = runs.Where(r => r.Count > 0).Select(r => new StepRange(r.Min(), r.Max())).ToList();
        var (start, end) = MetricSampling.Interval(ranges, startStep, endStep);
        var reader = new ListReader(runs, StepBlock.BlockOf(end));
        return [.. await MetricSampling.SampleStepsAsync(reader, ranges, start, end, maxResults, CancellationToken.None, marks)];
    }

    private static List<long> RandomSeries(Random random)
    {
        var count = random.Next(5) == 0 ? random.Next(0, 4) : random.Next(1, 3000);
        var origin = random.NextInt64(-300, 300);
        var stride = random.Next(1, 200);
        var series = random.Next(4) switch
        {
            0 => Enumerable.Range(0, count).Select(i => origin + i),
            1 => Enumerable.Range(0, count).Select(i => origin + (i * (long)stride)),
            2 => Enumerable.Range(0, count).Select(_ => random.NextInt64(-1000, 20_000)),   // duplicates, unordered
            _ => Enumerable.Range(0, count).Select(i => i % 7 == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : origin + (i / 3)),
        };
        return [.. series];
    }

    private static (long? Start, long? End) RandomInterval(Random random, List<List<long>> runs)
    {
        var steps = runs.SelectMany(r => r).ToList();
        long Pick() => steps.Count > 0 && random.Next(3) > 0 ? steps[random.Next(steps.Count)] + random.Next(-2, 3) : random.NextInt64(-2000, 30_000);
        if (random.Next(3) == 0)
        {
            return (null, null);
        }

        var (a, b) = (Pick(), Pick());
        return a <= b ? (a, b) : (b, a);
    }

    /// <summary>Pooled blocks of in-memory series; a seek's count is a hard limit, as the LIMIT of PostgreSQL's query.</summary>
    private sealed class ListReader(IReadOnlyList<IReadOnlyList<long>> runs, long lastBlock) : IStepBlockReader
    {
        private readonly List<StepBlock> _blocks = [.. runs.SelectMany(r => r).GroupBy(StepBlock.BlockOf)
            .Select(g => new StepBlock(g.Key, g.Aggregate(0UL, (bits, step) => bits | StepBlock.BitOf(step)), 0, 0)).OrderBy(b => b.Block)];

        private int _next;
        private long _left;

        public int Seeks { get; private set; }

        public int Reads { get; private set; }

        public ValueTask SeekAsync(long fromBlock, long count, CancellationToken cancellationToken)
        {
            Seeks++;
            _next = _blocks.FindIndex(b => b.Block >= fromBlock) is var index and >= 0 ? index : _blocks.Count;
            _left = count;
            return ValueTask.CompletedTask;
        }

        public ValueTask<StepBlock?> NextAsync(CancellationToken cancellationToken)
        {
            if (_next >= _blocks.Count || _blocks[_next].Block > lastBlock || _left-- <= 0)
            {
                return ValueTask.FromResult<StepBlock?>(null);
            }

            Reads++;
            return ValueTask.FromResult<StepBlock?>(_blocks[_next++]);
        }
    }
}
