namespace MlTrack.Server.Domain;

/// <summary>Step sampling of get-history-bulk-interval (mlflow/server/handlers.py _get_sampled_steps).</summary>
internal static class MetricSampling
{
    /// <summary>
    /// The steps to return: every logged step in [start, end] when they fit in <paramref name="maxResults"/>,
    /// else evenly spaced ones plus the last; always each run's own first and last step in range.
    /// </summary>
    /// <param name="stepsPerRun">Each run's distinct steps, ascending.</param>
    public static IReadOnlyList<long> SampleSteps(IReadOnlyList<List<long>> stepsPerRun, long? startStep, long? endStep, int maxResults)
    {
        // One run (a run page's chart) already is the pooled list; several are merged.
        var allSteps = stepsPerRun.Count == 1 ? stepsPerRun[0] : stepsPerRun.SelectMany(s => s).Distinct().Order().ToList();
        var start = startStep ?? 0;
        var end = endStep ?? (allSteps.Count > 0 ? allSteps[^1] : 0);
        var result = stepsPerRun.Where(s => s.Count > 0).SelectMany(s => new[] { s.Min(), s.Max() })
            .Where(step => start <= step && step <= end).ToHashSet();

        var first = LowerBound(allSteps, start);
        var last = UpperBound(allSteps, end);
        var count = last - first;
        if (count <= maxResults)
        {
            result.UnionWith(allSteps.GetRange(first, count));
        }
        else
        {
            var interval = (double)count / maxResults;
            for (var i = 0; i < maxResults; i++)
            {
                var index = first + (int)(i * interval);
                // Mirrors MLflow's bound check (idx < num_steps), quirk included.
                if (index < count)
                {
                    result.Add(allSteps[index]);
                }
            }

            result.Add(allSteps[last - 1]);
        }

        return [.. result.Order()];
    }

    private static int LowerBound(List<long> sorted, long value)
    {
        var index = sorted.BinarySearch(value);
        return index >= 0 ? index : ~index;
    }

    private static int UpperBound(List<long> sorted, long value)
    {
        var index = sorted.BinarySearch(value);
        return index >= 0 ? index + 1 : ~index;
    }
}
