namespace MlTrack.Trainer.Validation.Rules;

/// <summary><c>duplicates</c>: at most <see cref="ValidationSettings.MaxDuplicateRatio"/> of the rows repeat an
/// earlier row. Some repetition is normal (identical measurements); a batch of mostly copies is not.</summary>
public sealed class DuplicateRowsRule : IValidationRule
{
    /// <inheritdoc/>
    public string Name => "duplicates";

    /// <inheritdoc/>
    public RuleResult Evaluate(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var batch = context.Batch;
        double allowed = context.Settings.MaxDuplicateRatio;
        double ratio = batch.RowCount == 0 ? 0 : (double)batch.DuplicateRowCount / batch.RowCount;
        var detail = $"{ReportFormat.Share(batch.DuplicateRowCount, batch.RowCount)} rows repeat an earlier row (allowed {ReportFormat.Percent(allowed)})";
        return ratio <= allowed
            ? RuleResult.Pass(Name, detail)
            : RuleResult.Of(Name, detail, [new ValidationFinding(Name, Severity.Error, $"{detail}.")]);
    }
}
