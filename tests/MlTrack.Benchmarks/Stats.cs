using System.Text.Json.Nodes;

namespace MlTrack.Benchmarks;

/// <summary>Latency samples in milliseconds and their percentiles (linear interpolation between ranks).</summary>
internal sealed class Stats
{
    private readonly List<double> _samples = [];

    public int Count => _samples.Count;

    public void Add(double milliseconds)
    {
        lock (_samples)
        {
            _samples.Add(milliseconds);
        }
    }

    public double P50 => Percentile(0.50);

    public double P95 => Percentile(0.95);

    public double Percentile(double fraction)
    {
        lock (_samples)
        {
            if (_samples.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _samples.Order().ToArray();
            var rank = fraction * (sorted.Length - 1);
            var low = (int)Math.Floor(rank);
            var high = Math.Min(low + 1, sorted.Length - 1);
            return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
        }
    }

    /// <summary>{count, p50_ms, p95_ms, min_ms, max_ms, mean_ms}.</summary>
    public JsonObject ToJson()
    {
        lock (_samples)
        {
            return new JsonObject
            {
                ["count"] = _samples.Count,
                ["p50_ms"] = Round(P50),
                ["p95_ms"] = Round(P95),
                ["min_ms"] = Round(_samples.Count > 0 ? _samples.Min() : double.NaN),
                ["max_ms"] = Round(_samples.Count > 0 ? _samples.Max() : double.NaN),
                ["mean_ms"] = Round(_samples.Count > 0 ? _samples.Average() : double.NaN),
            };
        }
    }

    /// <summary>Three decimals, and null for NaN (JSON has no NaN).</summary>
    public static JsonNode? Round(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 3)) : null;
}
