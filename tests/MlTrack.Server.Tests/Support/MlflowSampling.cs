namespace MlTrack.Server.Tests.Support;

/// <summary>
/// MLflow's get-history-bulk-interval on plain lists, transcribed from mlflow/server/handlers.py (_get_sampled_steps,
/// _get_sampled_steps_from_steps) and SqlAlchemyStore.get_metric_history_bulk_interval_from_steps: the reference the
/// server's answers are compared with. Deliberately naive (every step of every run sorted), as MLflow is.
/// </summary>
internal static class MlflowSampling
{
    public const int MaxPointsPerRun = 25_000;

    public static List<long> SampledSteps(IReadOnlyList<IReadOnlyList<long>> runs, long? startStep, long? endStep, int maxResults)
    {
        var minsAndMaxes = runs.Where(r => r.Count > 0).SelectMany(r => new[] { r.Min(), r.Max() }).ToHashSet();
        var allSteps = runs.SelectMany(r => r).Distinct().Order().ToList();
        var (start, end) = startStep is null && endStep is null ? (0L, allSteps.Count > 0 ? allSteps[^1] : 0L) : (startStep!.Value, endStep!.Value);
        minsAndMaxes.RemoveWhere(step => step < start || step > end);
        return [.. FromSteps(start, end, maxResults, allSteps).Union(minsAndMaxes).Order()];
    }

    /// <summary>A run's points at <paramref name="steps"/>, ORDER BY step, timestamp, value (NaN stored as 0), LIMIT 25,000.</summary>
    public static List<(long Step, long Timestamp, double Value)> PointsAt(IEnumerable<(long Step, long Timestamp, double Value)> points, IReadOnlyCollection<long> steps)
    {
        var wanted = steps.ToHashSet();
        return [.. points.Distinct().Where(p => wanted.Contains(p.Step))
            .OrderBy(p => p.Step).ThenBy(p => p.Timestamp).ThenBy(p => double.IsNaN(p.Value) ? 0 : p.Value)
            .Take(MaxPointsPerRun)];
    }

    private static HashSet<long> FromSteps(long start, long end, int maxResults, List<long> allSteps)
    {
        var startIndex = BisectLeft(allSteps, start);
        var endIndex = BisectRight(allSteps, end);
        if (endIndex - startIndex <= maxResults)
        {
            return endIndex > startIndex ? [.. allSteps.GetRange(startIndex, endIndex - startIndex)] : [];
        }

        var numSteps = endIndex - startIndex;
        var interval = (double)numSteps / maxResults;
        var sampled = new HashSet<long>();
        for (var i = 0; i < maxResults; i++)
        {
            var index = startIndex + (int)(i * interval);
            if (index < numSteps)
            {
                sampled.Add(allSteps[index]);
            }
        }

        sampled.Add(allSteps[endIndex - 1]);
        return sampled;
    }

    private static int BisectLeft(List<long> sorted, long value)
    {
        var (low, high) = (0, sorted.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = sorted[middle] < value ? (middle + 1, high) : (low, middle);
        }

        return low;
    }

    private static int BisectRight(List<long> sorted, long value)
    {
        var (low, high) = (0, sorted.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = value < sorted[middle] ? (low, middle) : (middle + 1, high);
        }

        return low;
    }
}
