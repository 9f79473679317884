namespace MlTrack.Trainer.Validation.Rules;

/// <summary><c>target_variance</c>: the target varies (variance of its numbers at least
/// <see cref="ValidationSettings.MinTargetVariance"/>); a constant target leaves nothing to learn.</summary>
public sealed class TargetVarianceRule : IValidationRule
{
    /// <inheritdoc/>
    public string Name => "target_variance";

    /// <inheritdoc/>
    public RuleResult Evaluate(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var column = context.Batch.FindColumn(context.Target);
        if (column is null)
        {
            return RuleResult.Skip(Name, $"no target column '{context.Target}' (see schema)");
        }
        var values = column.FiniteValues();
        double minimum = context.Settings.MinTargetVariance;
        if (values.Length < 2)
        {
            return RuleResult.Of(Name, $"{ReportFormat.Plural(values.Length, "numeric target value")}", [
                new ValidationFinding(Name, Severity.Error, $"the target '{context.Target}' has {ReportFormat.Plural(values.Length, "numeric value")}; a variance needs at least 2."),
            ]);
        }
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / values.Length;
        var detail = $"variance of '{context.Target}' {ReportFormat.Number(variance)} (minimum {ReportFormat.Number(minimum)})";
        return variance >= minimum && variance > 0
            ? RuleResult.Pass(Name, detail)
            : RuleResult.Of(Name, detail, [
                new ValidationFinding(Name, Severity.Error, $"the target '{context.Target}' is (nearly) constant: variance {ReportFormat.Number(variance)}, minimum {ReportFormat.Number(minimum)}."),
            ]);
    }
}
