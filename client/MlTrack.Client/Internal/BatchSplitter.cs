namespace MlTrack.Client.Internal;

/// <summary>One log-batch request's worth of queued items.</summary>
internal sealed record LogBatchChunk(List<Metric> Metrics, List<Param> Params, List<Tag> Tags)
{
    public int Count => Metrics.Count + Params.Count + Tags.Count;
}

/// <summary>
/// Cuts queued metrics, params and tags, in the order they were logged, into log-batch requests within MLflow's
/// limits (mlflow/utils/validation.py _validate_batch_limit): at most 1,000 metrics, 100 params, 100 tags and
/// 1,000 items in all per request, and a param key at most once per request (a repeated key is refused).
/// </summary>
internal static class BatchSplitter
{
    public static IEnumerable<LogBatchChunk> Split(IReadOnlyList<object> items)
    {
        var chunk = NewChunk();
        var paramKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var full = chunk.Count == RunsClient.MaxEntitiesPerBatch || item switch
            {
                Metric => chunk.Metrics.Count == RunsClient.MaxMetricsPerBatch,
                Param param => chunk.Params.Count == RunsClient.MaxParamsPerBatch || paramKeys.Contains(param.Key),
                _ => chunk.Tags.Count == RunsClient.MaxTagsPerBatch,
            };
            if (full)
            {
                yield return chunk;
                chunk = NewChunk();
                paramKeys.Clear();
            }

            switch (item)
            {
                case Metric metric:
                    chunk.Metrics.Add(metric);
                    break;
                case Param param:
                    chunk.Params.Add(param);
                    paramKeys.Add(param.Key);
                    break;
                case Tag tag:
                    chunk.Tags.Add(tag);
                    break;
                default:
                    throw new ArgumentException($"Cannot log a {item.GetType().Name}.", nameof(items));
            }
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private static LogBatchChunk NewChunk() => new([], [], []);
}
