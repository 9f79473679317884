using MlTrack.Trainer;

namespace MlTrack.Cli.Simulation;

/// <summary>
/// A reproducible stream of daily wine batches whose world changes: day by day the alcohol content of the wine
/// rises (covariate drift that PSI sees) and its effect on quality fades and turns (concept drift that only
/// retraining follows). Rows are drawn with replacement from the real data set, with a seeded generator.
/// </summary>
internal sealed class DriftingWineStream(NumericTable wine, string target, int days, int rowsPerDay, int seed)
{
    private readonly double _alcoholMean = Mean(wine.Column("alcohol"));
    private readonly double _alcoholStd = StdDev(wine.Column("alcohol"));

    public int Days => days;

    /// <summary>The batch of one day (0-based), always the same for the same seed.</summary>
    public NumericTable Day(int day)
    {
        // Not HashCode.Combine: it is salted per process, and the stream must be the same on every run.
        var random = new Random(unchecked((seed * 1_000_003) + day));
        var rows = Enumerable.Range(0, rowsPerDay).Select(_ => random.Next(wine.RowCount)).ToArray();
        var batch = wine.SelectRows(rows);
        double progress = days <= 1 ? 0 : (double)day / (days - 1);
        int alcohol = batch.IndexOf("alcohol"), quality = batch.IndexOf(target);
        var columns = Enumerable.Range(0, batch.ColumnCount).Select(j => batch.Column(j).ToArray()).ToArray();
        for (int i = 0; i < rowsPerDay; i++)
        {
            double z = (columns[alcohol][i] - _alcoholMean) / _alcoholStd;
            // Quality used to rise with alcohol; in this world the taste turns, so it ends up falling with it.
            columns[quality][i] -= 1.6 * progress * z;
            columns[alcohol][i] += 0.8 * progress * _alcoholStd;
        }
        return new NumericTable(batch.ColumnNames, columns);
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }
        return sum / values.Length;
    }

    private static double StdDev(ReadOnlySpan<double> values)
    {
        double mean = Mean(values), sum = 0;
        foreach (var v in values)
        {
            sum += (v - mean) * (v - mean);
        }
        return Math.Sqrt(sum / values.Length);
    }
}
