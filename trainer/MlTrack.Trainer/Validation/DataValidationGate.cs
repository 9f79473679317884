using MlTrack.Trainer.Validation.Rules;

namespace MlTrack.Trainer.Validation;

/// <summary>
/// Decides whether new data may be trained on: runs every rule over the batch and reports. The retraining cycle
/// stops on a failed report (any <see cref="Severity.Error"/>) and logs <see cref="ValidationReport.ToText"/>.
/// </summary>
public static class DataValidationGate
{
    /// <summary>The rules the gate runs, in report order: schema, min_rows, missing_values, value_ranges,
    /// target_variance, duplicates.</summary>
    public static IReadOnlyList<IValidationRule> DefaultRules { get; } =
    [
        new SchemaRule(),
        new MinRowsRule(),
        new MissingValuesRule(),
        new ValueRangeRule(),
        new TargetVarianceRule(),
        new DuplicateRowsRule(),
    ];

    /// <summary>Validates a batch with the <see cref="DefaultRules"/>.</summary>
    /// <param name="batch">The new data.</param>
    /// <param name="target">The target column.</param>
    /// <param name="reference">The profile of the champion's training data, or null when there is no champion:
    /// then the ranges are not checked and any feature columns are accepted.</param>
    /// <param name="settings">The limits; null for <see cref="ValidationSettings.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public static ValidationReport Validate(DataBatch batch, string target, DataProfile? reference, ValidationSettings? settings = null) =>
        Validate(batch, target, reference, settings, DefaultRules);

    /// <summary>Validates a batch with the given rules.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public static ValidationReport Validate(
        DataBatch batch, string target, DataProfile? reference, ValidationSettings? settings, IEnumerable<IValidationRule> rules)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentNullException.ThrowIfNull(rules);
        settings ??= ValidationSettings.Default;
        settings.ThrowIfInvalid();
        var context = new ValidationContext(batch, target, reference, settings);
        var results = rules.Select(rule => rule.Evaluate(context)).ToArray();
        return new ValidationReport(results, batch.Files, batch.RowCount, target, reference?.RowCount);
    }
}
