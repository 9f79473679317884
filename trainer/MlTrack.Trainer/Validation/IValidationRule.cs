namespace MlTrack.Trainer.Validation;

/// <summary>What a rule looks at: the batch, the target, the champion's data profile (if any) and the limits.</summary>
/// <param name="Batch">The new data.</param>
/// <param name="Target">The target column's name.</param>
/// <param name="Reference">The profile of the champion's training data; null when there is no champion yet.</param>
/// <param name="Settings">The limits.</param>
public sealed record ValidationContext(DataBatch Batch, string Target, DataProfile? Reference, ValidationSettings Settings);

/// <summary>One check of the data validation gate.</summary>
public interface IValidationRule
{
    /// <summary>The rule's name in reports and summaries, snake_case (<c>missing_values</c>).</summary>
    string Name { get; }

    /// <summary>Checks the batch.</summary>
    RuleResult Evaluate(ValidationContext context);
}
