using System.Numerics;

namespace MlTrack.Server.Domain;

/// <summary>
/// 64 consecutive steps of one metric of one run (block = step &gt;&gt; 6): which of them have points (bit step &amp; 63 of
/// <paramref name="Bits"/>), and the smallest and largest timestamp of those points. Stored in metric_steps, they let
/// get-history-bulk-interval count and pick steps 64 at a time, and find a step's points between two timestamps of
/// the timestamp-ordered primary key.
/// </summary>
internal readonly record struct StepBlock(long Block, ulong Bits, long MinTime, long MaxTime)
{
    public static long BlockOf(long step) => step >> 6;

    public static ulong BitOf(long step) => 1UL << (int)(step & 63);

    /// <summary>The step of bit <paramref name="bit"/> of <paramref name="block"/>; exact for every long step, negative ones too.</summary>
    public static long StepAt(long block, int bit) => (block << 6) | (long)bit;

    public long FirstStep => StepAt(Block, BitOperations.TrailingZeroCount(Bits));

    public long LastStep => StepAt(Block, 63 - BitOperations.LeadingZeroCount(Bits));

    /// <summary>The bits of <paramref name="block"/> for steps &gt;= <paramref name="step"/>.</summary>
    public static ulong From(long block, long step) =>
        BlockOf(step) < block ? ulong.MaxValue : BlockOf(step) > block ? 0 : ulong.MaxValue << (int)(step & 63);

    /// <summary>The bits of <paramref name="block"/> for steps &lt;= <paramref name="step"/>.</summary>
    public static ulong Through(long block, long step) =>
        BlockOf(step) > block ? ulong.MaxValue : BlockOf(step) < block ? 0 : ulong.MaxValue >> (63 - (int)(step & 63));

    /// <summary>The step of the <paramref name="index"/>-th (0-based) set bit of <paramref name="bits"/> in <paramref name="block"/>.</summary>
    public static long NthStep(long block, ulong bits, int index)
    {
        for (var i = 0; i < index; i++)
        {
            bits &= bits - 1;
        }

        return StepAt(block, BitOperations.TrailingZeroCount(bits));
    }

    /// <summary>
    /// Appends to <paramref name="blocks"/> the blocks of one metric's points of a batch (those of
    /// <paramref name="points"/> at <paramref name="indices"/>), ascending, one per block: what the writers merge into
    /// metric_steps (bits or-ed, the time range widened) in the same transaction as the points.
    /// </summary>
    public static void Summarize(IReadOnlyList<Metric> points, ReadOnlySpan<int> indices, List<StepBlock> blocks)
    {
        // Points mostly come in step order: consecutive points of one block are folded as they come (in locals: this
        // runs for every point at ingest), and only a batch whose blocks go back and forth is sorted and folded again.
        var first = blocks.Count;
        var ordered = true;
        var open = false;
        var (block, bits, minTime, maxTime) = (0L, 0UL, 0L, 0L);
        foreach (var index in indices)
        {
            var point = points[index];
            var step = point.Step;
            var timestamp = point.Timestamp;
            if (open && BlockOf(step) == block)
            {
                bits |= BitOf(step);
                minTime = Math.Min(minTime, timestamp);
                maxTime = Math.Max(maxTime, timestamp);
                continue;
            }

            if (open)
            {
                ordered &= blocks.Count == first || blocks[^1].Block < block;
                blocks.Add(new StepBlock(block, bits, minTime, maxTime));
            }

            (open, block, bits, minTime, maxTime) = (true, BlockOf(step), BitOf(step), timestamp, timestamp);
        }

        if (open)
        {
            ordered &= blocks.Count == first || blocks[^1].Block < block;
            blocks.Add(new StepBlock(block, bits, minTime, maxTime));
        }

        if (ordered)
        {
            return;
        }

        blocks.Sort(first, blocks.Count - first, Comparer<StepBlock>.Create((x, y) => x.Block.CompareTo(y.Block)));
        var kept = first;
        for (var i = first + 1; i < blocks.Count; i++)
        {
            if (blocks[i].Block == blocks[kept].Block)
            {
                blocks[kept] = blocks[kept].Union(blocks[i]);
            }
            else
            {
                blocks[++kept] = blocks[i];
            }
        }

        blocks.RemoveRange(kept + 1, blocks.Count - kept - 1);
    }

    /// <summary>
    /// Of the sampled <paramref name="steps"/>, those a run has, and the time ranges its points at them lie in (from
    /// the run's <paramref name="blocks"/> of those steps), sorted and merged where they overlap or touch: reading the
    /// ranges reads no point twice, so at worst as much as the whole series.
    /// </summary>
    public static (HashSet<long> Steps, List<TimeRange> Ranges) Locate(IEnumerable<long> steps, IEnumerable<StepBlock> blocks)
    {
        var byBlock = blocks.ToDictionary(b => b.Block);
        var found = new HashSet<long>();
        var ranges = new List<TimeRange>();
        foreach (var group in steps.GroupBy(BlockOf))
        {
            if (byBlock.TryGetValue(group.Key, out var block) && group.Where(step => (block.Bits & BitOf(step)) != 0).ToList() is { Count: > 0 } had)
            {
                found.UnionWith(had);
                ranges.Add(new TimeRange(block.MinTime, block.MaxTime, had.Min(), had.Max()));
            }
        }

        var merged = new List<TimeRange>();
        foreach (var range in ranges.OrderBy(r => r.From))
        {
            if (merged.Count > 0 && merged[^1] is var open && (range.From <= open.To || (open.To < long.MaxValue && range.From == open.To + 1)))
            {
                merged[^1] = new TimeRange(open.From, Math.Max(open.To, range.To), Math.Min(open.FirstStep, range.FirstStep), Math.Max(open.LastStep, range.LastStep));
            }
            else
            {
                merged.Add(range);
            }
        }

        return (found, merged);
    }

    /// <summary>The union of two summaries of one block.</summary>
    public StepBlock Union(StepBlock other) =>
        new(Block, Bits | other.Bits, Math.Min(MinTime, other.MinTime), Math.Max(MaxTime, other.MaxTime));
}

/// <summary>Timestamps [From, To] that hold a run's points at some of the sampled steps, all within [FirstStep, LastStep].</summary>
internal readonly record struct TimeRange(long From, long To, long FirstStep, long LastStep);
