namespace MlTrack.Trainer.Validation.Rules;

/// <summary>
/// <c>missing_values</c>: per column, the share of missing cells is at most
/// <see cref="ValidationSettings.MaxMissingRatio"/> (an error above it, a warning at or below it but above 0).
/// </summary>
public sealed class MissingValuesRule : IValidationRule
{
    /// <inheritdoc/>
    public string Name => "missing_values";

    /// <inheritdoc/>
    public RuleResult Evaluate(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var batch = context.Batch;
        double allowed = context.Settings.MaxMissingRatio;
        var findings = new List<ValidationFinding>();
        foreach (var column in batch.Columns.Where(c => c.MissingCount > 0))
        {
            double ratio = (double)column.MissingCount / batch.RowCount;
            var severity = ratio > allowed ? Severity.Error : Severity.Warning;
            findings.Add(new ValidationFinding(
                Name, severity,
                $"column '{column.Name}': {ReportFormat.Share(column.MissingCount, batch.RowCount)} values missing (allowed {ReportFormat.Percent(allowed)})."));
        }
        var detail = $"{ReportFormat.Plural(batch.MissingCount, "missing cell")} in {findings.Count} of {batch.ColumnNames.Count} columns (allowed per column {ReportFormat.Percent(allowed)})";
        return RuleResult.Of(Name, detail, findings);
    }
}
