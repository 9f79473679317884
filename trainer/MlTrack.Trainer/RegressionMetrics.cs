using MathNet.Numerics.LinearAlgebra;

namespace MlTrack.Trainer;

/// <summary>Regression metrics with scikit-learn's definitions (<c>mean_squared_error</c> with
/// <c>squared=False</c>, <c>mean_absolute_error</c>, <c>r2_score</c>).</summary>
/// <param name="Rmse">√(Σ(y − ŷ)² / n).</param>
/// <param name="Mae">Σ|y − ŷ| / n.</param>
/// <param name="R2">1 − Σ(y − ŷ)² / Σ(y − ȳ)²; for a constant y, 1 if every prediction is exact and 0 otherwise.</param>
public sealed record RegressionMetrics(double Rmse, double Mae, double R2)
{
    /// <summary>Computes the metrics of predictions against actual values.</summary>
    /// <exception cref="ArgumentException">The lengths differ or there are no values.</exception>
    public static RegressionMetrics Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        if (actual.Length != predicted.Length)
        {
            throw new ArgumentException($"{actual.Length} actual values but {predicted.Length} predictions.", nameof(predicted));
        }
        if (actual.IsEmpty)
        {
            throw new ArgumentException("Metrics need at least one value.", nameof(actual));
        }
        int n = actual.Length;
        double mean = 0;
        foreach (double y in actual)
        {
            mean += y;
        }
        mean /= n;
        double squared = 0, absolute = 0, total = 0;
        for (int i = 0; i < n; i++)
        {
            double error = actual[i] - predicted[i];
            squared += error * error;
            absolute += Math.Abs(error);
            total += (actual[i] - mean) * (actual[i] - mean);
        }
        double r2 = total != 0 ? 1 - (squared / total) : squared == 0 ? 1 : 0;
        return new RegressionMetrics(Math.Sqrt(squared / n), absolute / n, r2);
    }

    /// <summary>Computes the metrics of predictions against actual values.</summary>
    public static RegressionMetrics Compute(Vector<double> actual, Vector<double> predicted)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        return Compute(actual.AsArray() ?? actual.ToArray(), predicted.AsArray() ?? predicted.ToArray());
    }
}
