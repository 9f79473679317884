using MlTrack.Trainer.Tests.Support;
using MlTrack.Trainer.Validation;
using MlTrack.Trainer.Validation.Rules;

namespace MlTrack.Trainer.Tests.Validation.Rules;

[TestFixture]
public sealed class MinRowsRuleTests
{
    private readonly MinRowsRule _rule = new();

    [Test]
    public void PassesAtTheMinimum()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Linear(100), target: "y"));

        result.Status.Should().Be(RuleStatus.Passed);
        result.Detail.Should().Be("100 rows (minimum 100)");
    }

    [Test]
    public void FailsBelowTheMinimum()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Linear(99), target: "y"));

        result.Status.Should().Be(RuleStatus.Failed);
        result.Findings.Should().ContainSingle().Which.Should().Be(
            new ValidationFinding("min_rows", Severity.Error, "only 99 rows; at least 100 are needed."));
    }

    [Test]
    public void FollowsTheSetting()
    {
        var settings = ValidationSettings.Default with { MinRows = 5000 };

        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Wine, settings: settings));

        result.Status.Should().Be(RuleStatus.Failed);
    }
}
