namespace MlTrack.Trainer.Drift;

/// <summary>
/// The Population Stability Index over a reference column's decile bins. The 9 inner deciles d1..d9 cut the line
/// into 10 bins, (-inf, d1], (d1, d2], ..., (d9, +inf); PSI = sum over bins of (a - e) ln(a / e), where e and a are
/// the reference's and the current data's shares of the bin, each at least <see cref="Epsilon"/> so that an empty
/// bin counts as large but finite.
/// </summary>
public static class PopulationStability
{
    /// <summary>The number of bins.</summary>
    public const int BinCount = 10;

    /// <summary>The floor of a bin's share (an empty bin would make ln(a / e) infinite).</summary>
    public const double Epsilon = 1e-4;

    /// <summary>The bin of a value: the number of inner deciles below it.</summary>
    public static int BinOf(IReadOnlyList<double> deciles, double value)
    {
        ArgumentNullException.ThrowIfNull(deciles);
        int bin = 0;
        for (int k = 1; k < BinCount; k++)
        {
            if (deciles[k] < value)
            {
                bin++;
            }
        }
        return bin;
    }

    /// <summary>
    /// The reference's share of each bin implied by its deciles: each of the 10 decile intervals [d_k, d_k+1] holds a
    /// tenth of the data, and that tenth lies in the bin its values fall into. For continuous data every bin gets 0.1;
    /// where deciles repeat (a value taking up a tenth of the data or more, as in integer columns), the empty bins
    /// between equal deciles get nothing and the bin holding the repeated value gets their share, so that the same
    /// data compared with itself is not mistaken for drift. A constant column puts everything in the first bin.
    /// </summary>
    /// <exception cref="ArgumentException">There are not 11 deciles (minimum, d1..d9, maximum).</exception>
    public static double[] ExpectedShares(IReadOnlyList<double> deciles)
    {
        RequireDeciles(deciles);
        var shares = new double[BinCount];
        for (int k = 0; k < BinCount; k++)
        {
            // Values strictly inside (d_k, d_k+1) fall where d_k's right neighbourhood does; a point mass at d_k = d_k+1
            // falls where that value does.
            int bin = deciles[k] < deciles[k + 1] ? BinsAtOrBelow(deciles, deciles[k]) : BinOf(deciles, deciles[k]);
            shares[bin]++;
        }
        for (int k = 0; k < BinCount; k++)
        {
            shares[k] /= BinCount; // counted first so that a constant column's share is exactly 1
        }
        return shares;
    }

    /// <summary>The share of the values in each bin.</summary>
    /// <exception cref="ArgumentException">There are not 11 deciles, or no values.</exception>
    public static double[] ActualShares(IReadOnlyList<double> deciles, ReadOnlySpan<double> values)
    {
        RequireDeciles(deciles);
        if (values.IsEmpty)
        {
            throw new ArgumentException("No values to bin.", nameof(values));
        }
        var shares = new double[BinCount];
        foreach (var value in values)
        {
            shares[BinOf(deciles, value)]++;
        }
        for (int k = 0; k < BinCount; k++)
        {
            shares[k] /= values.Length;
        }
        return shares;
    }

    /// <summary>sum((a - e) ln(a / e)) with both shares floored at <see cref="Epsilon"/>; 0 for identical shares.</summary>
    public static double Index(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Count != actual.Count)
        {
            throw new ArgumentException($"{expected.Count} expected shares but {actual.Count} actual ones.", nameof(actual));
        }
        double psi = 0;
        for (int k = 0; k < expected.Count; k++)
        {
            double e = Math.Max(expected[k], Epsilon);
            double a = Math.Max(actual[k], Epsilon);
            psi += (a - e) * Math.Log(a / e);
        }
        return psi;
    }

    // The bin of values just above x: the number of inner deciles at or below x.
    private static int BinsAtOrBelow(IReadOnlyList<double> deciles, double x)
    {
        int bin = 0;
        for (int k = 1; k < BinCount; k++)
        {
            if (deciles[k] <= x)
            {
                bin++;
            }
        }
        return bin;
    }

    private static void RequireDeciles(IReadOnlyList<double> deciles)
    {
        ArgumentNullException.ThrowIfNull(deciles);
        if (deciles.Count != BinCount + 1 || deciles.Any(d => !double.IsFinite(d)))
        {
            throw new ArgumentException($"Expected {BinCount + 1} finite deciles (minimum to maximum) but got {deciles.Count}.", nameof(deciles));
        }
    }
}
