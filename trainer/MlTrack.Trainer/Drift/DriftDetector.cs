namespace MlTrack.Trainer.Drift;

/// <summary>Compares new data with the profile of the champion's training data, column by column (PSI).</summary>
public static class DriftDetector
{
    /// <summary>
    /// The PSI of every reference feature the current data has, over the reference's decile bins (see
    /// <see cref="PopulationStability"/>); the target is reported apart. Columns the reference does not know, or
    /// whose reference profile has no deciles, are left out (the validation gate reports schema changes).
    /// </summary>
    /// <param name="reference">The champion's data profile; null gives <see cref="DriftReport.NoReference"/>.</param>
    /// <param name="current">The new data.</param>
    /// <param name="target">The target column.</param>
    public static DriftReport Compare(DataProfile? reference, NumericTable current, string target)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(target);
        if (reference is null)
        {
            return DriftReport.NoReference;
        }
        var features = new List<FeatureDrift>();
        FeatureDrift? targetDrift = null;
        foreach (var column in reference.Columns)
        {
            if (current.IndexOf(column.Name) < 0 || current.RowCount == 0
                || column.Deciles.Count != PopulationStability.BinCount + 1 || column.Deciles.Any(d => !double.IsFinite(d)))
            {
                continue;
            }
            var expected = PopulationStability.ExpectedShares(column.Deciles);
            var actual = PopulationStability.ActualShares(column.Deciles, current.Column(column.Name));
            var drift = new FeatureDrift(column.Name, PopulationStability.Index(expected, actual), expected, actual);
            if (column.Name == target)
            {
                targetDrift = drift;
            }
            else
            {
                features.Add(drift);
            }
        }
        return new DriftReport(true, features, targetDrift);
    }
}
