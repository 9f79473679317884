namespace MlTrack.Trainer.Validation;

/// <summary>How bad a finding is: a <see cref="Warning"/> is reported, an <see cref="Error"/> stops retraining.</summary>
public enum Severity
{
    /// <summary>Worth a look; the data may still be trained on.</summary>
    Warning,

    /// <summary>The data must not be trained on.</summary>
    Error,
}

/// <summary>One problem a rule found, such as one column with missing values.</summary>
/// <param name="Rule">The rule's name (<c>schema</c>, <c>missing_values</c>, ...).</param>
/// <param name="Severity">Whether it blocks training.</param>
/// <param name="Message">What is wrong, with the numbers, in one line.</param>
public sealed record ValidationFinding(string Rule, Severity Severity, string Message);
