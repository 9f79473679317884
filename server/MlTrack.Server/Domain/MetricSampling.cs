using System.Numerics;

namespace MlTrack.Server.Domain;

/// <summary>A run's smallest and largest logged step of one metric.</summary>
internal readonly record struct StepRange(long Min, long Max);

/// <summary>
/// The step blocks of the runs asked for, pooled (a block's bits or-ed across the runs) and ascending by block, read
/// from the store as they are needed rather than held in memory.
/// </summary>
internal interface IStepBlockReader
{
    /// <summary>Restarts just before the first block &gt;= <paramref name="fromBlock"/>; at most <paramref name="count"/> blocks will be read.</summary>
    ValueTask SeekAsync(long fromBlock, long count, CancellationToken cancellationToken);

    /// <summary>The next block, or null past the last one the reader covers.</summary>
    ValueTask<StepBlock?> NextAsync(CancellationToken cancellationToken);
}

/// <summary>Step sampling of get-history-bulk-interval (mlflow/server/handlers.py _get_sampled_steps).</summary>
internal static class MetricSampling
{
    /// <summary>Blocks remembered while counting (768 KB at most): up to 2,097,152 dense steps are then picked without reading again.</summary>
    public const int DefaultMarks = 1 << 15;

    /// <summary>The interval to sample: as asked, else from 0 to the last step of any run (MLflow's defaults).</summary>
    public static (long Start, long End) Interval(IReadOnlyCollection<StepRange> runs, long? startStep, long? endStep) =>
        startStep is { } start && endStep is { } end ? (start, end) : (0, runs.Count > 0 ? runs.Max(r => r.Max) : 0);

    /// <summary>
    /// The steps to return: every pooled step in [start, end] when they fit in <paramref name="maxResults"/>, else
    /// evenly spaced ones plus the last; always each run's own first and last step when in range. MLflow sorts every
    /// logged step of every run for this; here the steps are counted and picked 64 to a block.
    /// </summary>
    /// <param name="blocks">The runs' pooled step blocks, up to the block of <paramref name="end"/>.</param>
    /// <param name="runs">Each run's smallest and largest step (runs without points left out).</param>
    /// <param name="marks">How many blocks the first pass may remember (at least 2).</param>
    public static async Task<IReadOnlyList<long>> SampleStepsAsync(
        IStepBlockReader blocks, IReadOnlyCollection<StepRange> runs, long start, long end, int maxResults,
        CancellationToken cancellationToken, int marks = DefaultMarks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(marks, 2);
        var picked = new List<long>();
        if (runs.Count == 0 || end < start)
        {
            return WithRunEnds(picked, runs, start, end);
        }

        // First pass: count the steps below start (MLflow's start index) and in range, remembering every stride-th
        // block that has steps in range; when the memory is full, every other one is dropped and the stride doubles.
        long below = 0;
        long count = 0;
        long stride = 1;
        long index = 0;
        var remembered = new List<Mark>(Math.Min(marks, 1024));
        await blocks.SeekAsync(runs.Min(r => r.Min) < start ? long.MinValue : StepBlock.BlockOf(start), long.MaxValue, cancellationToken);
        while (await blocks.NextAsync(cancellationToken) is { } block)
        {
            var from = StepBlock.From(block.Block, start);
            below += BitOperations.PopCount(block.Bits & ~from);
            var bits = block.Bits & from & StepBlock.Through(block.Block, end);
            if (bits == 0)
            {
                continue;
            }

            if (index % stride == 0)
            {
                if (remembered.Count == marks)
                {
                    Thin(remembered);
                    stride *= 2;
                }

                if (index % stride == 0)
                {
                    remembered.Add(new Mark(block.Block, bits, count));
                }
            }

            index++;
            count += BitOperations.PopCount(bits);
        }

        // Second pass: each chosen step from the remembered block at or before it, reading on from there when it lies
        // beyond (only when more blocks than remembered have steps in range).
        Mark? current = null;
        var next = 0L;
        foreach (var rank in Ranks(below, count, maxResults))
        {
            var offset = rank - below;
            var mark = remembered[LastAtOrBefore(remembered, offset)];
            if (offset < mark.Before + BitOperations.PopCount(mark.Bits))
            {
                picked.Add(StepBlock.NthStep(mark.Block, mark.Bits, (int)(offset - mark.Before)));
                continue;
            }

            if (current is not { } walked || walked.Block <= mark.Block || walked.Before > offset)
            {
                await blocks.SeekAsync(mark.Block + 1, stride, cancellationToken);
                next = mark.Before + BitOperations.PopCount(mark.Bits);
                current = null;
            }

            while (current is not { } at || offset >= at.Before + BitOperations.PopCount(at.Bits))
            {
                var block = await blocks.NextAsync(cancellationToken)
                    ?? throw new InvalidOperationException("The metric's steps changed while they were sampled.");
                var bits = block.Bits & StepBlock.Through(block.Block, end);
                if (bits != 0)
                {
                    current = new Mark(block.Block, bits, next);
                    next += BitOperations.PopCount(bits);
                }
            }

            picked.Add(StepBlock.NthStep(current.Value.Block, current.Value.Bits, (int)(offset - current.Value.Before)));
        }

        return WithRunEnds(picked, runs, start, end);
    }

    /// <summary>
    /// Ranks (0-based, among all pooled distinct steps) that MLflow's _get_sampled_steps_from_steps picks, ascending:
    /// <paramref name="below"/> steps lie before the interval and <paramref name="count"/> in it.
    /// </summary>
    public static IEnumerable<long> Ranks(long below, long count, int maxResults)
    {
        if (count <= maxResults)
        {
            for (var i = 0L; i < count; i++)
            {
                yield return below + i;
            }

            yield break;
        }

        // The same double arithmetic as Python's num_steps / max_results and int(i * interval).
        var interval = (double)count / maxResults;
        var last = below + count - 1;
        for (var i = 0; i < maxResults; i++)
        {
            var rank = below + (long)(i * interval);
            // MLflow compares the absolute index with the number of steps in range (idx < num_steps), so with steps
            // below the interval the last few evenly spaced ones are skipped; mirrored, quirk included.
            if (rank < count && rank != last)
            {
                yield return rank;
            }
        }

        yield return last;
    }

    /// <summary>The picked steps and each run's own first and last step in [start, end], ascending and distinct.</summary>
    public static IReadOnlyList<long> WithRunEnds(IEnumerable<long> picked, IReadOnlyCollection<StepRange> runs, long start, long end) =>
        [.. picked.Concat(runs.SelectMany(r => new[] { r.Min, r.Max }).Where(s => start <= s && s <= end)).Distinct().Order()];

    private static int LastAtOrBefore(List<Mark> marks, long offset)
    {
        var (low, high) = (0, marks.Count - 1);
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (marks[middle].Before <= offset)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    private static void Thin(List<Mark> marks)
    {
        var kept = 0;
        for (var i = 0; i < marks.Count; i += 2)
        {
            marks[kept++] = marks[i];
        }

        marks.RemoveRange(kept, marks.Count - kept);
    }

    /// <summary>A block's steps in range (<paramref name="Bits"/>) and how many steps in range come before it.</summary>
    private readonly record struct Mark(long Block, ulong Bits, long Before);
}
