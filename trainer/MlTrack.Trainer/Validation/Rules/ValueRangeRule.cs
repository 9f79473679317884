namespace MlTrack.Trainer.Validation.Rules;

/// <summary>
/// <c>value_ranges</c>: per column of the reference profile, the share of values outside the reference's [min, max]
/// widened by <see cref="ValidationSettings.RangeTolerance"/> × its range is at most
/// <see cref="ValidationSettings.MaxOutOfRangeRatio"/> (an error above, a warning for fewer). Skipped without a
/// reference: there is nothing to learn the ranges from.
/// </summary>
public sealed class ValueRangeRule : IValidationRule
{
    /// <inheritdoc/>
    public string Name => "value_ranges";

    /// <inheritdoc/>
    public RuleResult Evaluate(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (batch, _, reference, settings) = context;
        if (reference is null)
        {
            return RuleResult.Skip(Name, "no reference profile (no champion yet) to learn the ranges from");
        }
        var findings = new List<ValidationFinding>();
        int checkedColumns = 0;
        foreach (var expected in reference.Columns)
        {
            var column = batch.FindColumn(expected.Name);
            if (column is null || !double.IsFinite(expected.Min) || !double.IsFinite(expected.Max))
            {
                continue; // the schema rule reports a missing column
            }
            checkedColumns++;
            var (low, high) = AllowedRange(expected, settings.RangeTolerance);
            var values = column.FiniteValues();
            int outside = values.Count(v => v < low || v > high);
            if (outside == 0)
            {
                continue;
            }
            double ratio = (double)outside / values.Length;
            var severity = ratio > settings.MaxOutOfRangeRatio ? Severity.Error : Severity.Warning;
            findings.Add(new ValidationFinding(
                Name, severity,
                $"column '{expected.Name}': {ReportFormat.Share(outside, values.Length)} values outside [{ReportFormat.Number(low)}, {ReportFormat.Number(high)}] "
                + $"(reference [{ReportFormat.Number(expected.Min)}, {ReportFormat.Number(expected.Max)}], seen [{ReportFormat.Number(values.Min())}, {ReportFormat.Number(values.Max())}]; allowed {ReportFormat.Percent(settings.MaxOutOfRangeRatio)})."));
        }
        var detail = $"{checkedColumns} columns against the reference's ranges widened by {ReportFormat.Percent(settings.RangeTolerance)} of each range (allowed out of range {ReportFormat.Percent(settings.MaxOutOfRangeRatio)})";
        return RuleResult.Of(Name, detail, findings);
    }

    /// <summary>The reference's range widened by the tolerance; a constant reference column is widened by the
    /// tolerance times its magnitude (or 1 for 0), since it has no range to scale by.</summary>
    internal static (double Low, double High) AllowedRange(ColumnProfile reference, double tolerance)
    {
        double range = reference.Max - reference.Min;
        double scale = range > 0 ? range : Math.Max(Math.Abs(reference.Max), Math.Abs(reference.Min)) is > 0 and var magnitude ? magnitude : 1;
        return (reference.Min - (tolerance * scale), reference.Max + (tolerance * scale));
    }
}
