namespace MlTrack.Trainer.Validation;

/// <summary>The outcome of one rule.</summary>
public enum RuleStatus
{
    /// <summary>No findings.</summary>
    Passed,

    /// <summary>Only warnings.</summary>
    Warning,

    /// <summary>At least one error.</summary>
    Failed,

    /// <summary>The rule did not apply (for example no reference profile, or no target column to look at).</summary>
    Skipped,
}

/// <summary>What one rule checked and found.</summary>
/// <param name="Rule">The rule's name.</param>
/// <param name="Skipped">True when the rule did not apply; <paramref name="Detail"/> says why.</param>
/// <param name="Detail">What was measured, with the limits, in one line (also when the rule passed).</param>
/// <param name="Findings">The problems, one per column where the rule is per column.</param>
public sealed record RuleResult(string Rule, bool Skipped, string Detail, IReadOnlyList<ValidationFinding> Findings)
{
    /// <summary>Passed, Warning, Failed or Skipped, from the findings.</summary>
    public RuleStatus Status =>
        Skipped ? RuleStatus.Skipped
        : Findings.Any(f => f.Severity == Severity.Error) ? RuleStatus.Failed
        : Findings.Count > 0 ? RuleStatus.Warning
        : RuleStatus.Passed;

    /// <summary>A rule that found nothing wrong.</summary>
    public static RuleResult Pass(string rule, string detail) => new(rule, false, detail, []);

    /// <summary>A rule that did not apply.</summary>
    public static RuleResult Skip(string rule, string reason) => new(rule, true, reason, []);

    /// <summary>A rule's measurements and findings (none means it passed).</summary>
    public static RuleResult Of(string rule, string detail, IEnumerable<ValidationFinding> findings) =>
        new(rule, false, detail, findings.ToArray());
}
