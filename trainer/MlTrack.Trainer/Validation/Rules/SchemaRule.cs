namespace MlTrack.Trainer.Validation.Rules;

/// <summary>
/// <c>schema</c>: the target is present, every column is numeric, and, when there is a reference profile, the
/// columns are exactly the reference's (a missing one cannot be fed to the model, an extra one would change the
/// model's inputs and so its signature) and the reference was profiled for the same target.
/// </summary>
public sealed class SchemaRule : IValidationRule
{
    /// <inheritdoc/>
    public string Name => "schema";

    /// <inheritdoc/>
    public RuleResult Evaluate(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (batch, target, reference, _) = context;
        var findings = new List<ValidationFinding>();
        void Error(string message) => findings.Add(new ValidationFinding(Name, Severity.Error, message));

        if (batch.FindColumn(target) is null)
        {
            Error($"the target column '{target}' is missing; the columns are {Quote(batch.ColumnNames)}.");
        }
        if (reference is not null)
        {
            if (reference.Target != target)
            {
                Error($"the reference profile is for target '{reference.Target}', not '{target}'.");
            }
            var expected = reference.Columns.Select(c => c.Name).ToArray();
            var missing = expected.Except(batch.ColumnNames, StringComparer.Ordinal).Where(c => c != target).ToArray();
            var extra = batch.ColumnNames.Except(expected, StringComparer.Ordinal).ToArray();
            if (missing.Length > 0)
            {
                Error($"{Columns(missing)} of the reference data {(missing.Length == 1 ? "is" : "are")} missing.");
            }
            if (extra.Length > 0)
            {
                Error($"{Columns(extra)} {(extra.Length == 1 ? "is" : "are")} not in the reference data; the model's inputs would change.");
            }
        }
        foreach (var column in batch.Columns.Where(c => c.NonNumericCount > 0))
        {
            var examples = string.Join(", ", column.NonNumericExamples.Select(e => $"'{e}'"));
            Error(column.Type == "string"
                ? $"column '{column.Name}' is text, not numbers: {ReportFormat.Share(column.NonNumericCount, batch.RowCount)} cells, e.g. {examples}."
                : $"column '{column.Name}' has {ReportFormat.Plural(column.NonNumericCount, "non-numeric value")}, e.g. {examples}.");
        }

        var detail = $"{batch.ColumnNames.Count} columns, target '{target}'"
            + (reference is null ? "; no reference, so any feature columns are accepted" : $"; reference has {reference.Columns.Count} columns");
        return RuleResult.Of(Name, detail, findings);
    }

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private static string Columns(string[] names) => (names.Length == 1 ? "column " : "columns ") + Quote(names);
}
