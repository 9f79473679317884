namespace MlTrack.Trainer.Validation.Rules;

/// <summary><c>min_rows</c>: the batch has at least <see cref="ValidationSettings.MinRows"/> rows.</summary>
public sealed class MinRowsRule : IValidationRule
{
    /// <inheritdoc/>
    public string Name => "min_rows";

    /// <inheritdoc/>
    public RuleResult Evaluate(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int rows = context.Batch.RowCount;
        int minimum = context.Settings.MinRows;
        var detail = $"{rows} rows (minimum {minimum})";
        return rows >= minimum
            ? RuleResult.Pass(Name, detail)
            : RuleResult.Of(Name, detail, [new ValidationFinding(Name, Severity.Error, $"only {rows} rows; at least {minimum} are needed.")]);
    }
}
