using MlTrack.Trainer.Tests.Support;
using MlTrack.Trainer.Validation;
using MlTrack.Trainer.Validation.Rules;

namespace MlTrack.Trainer.Tests.Validation.Rules;

[TestFixture]
public sealed class TargetVarianceRuleTests
{
    private readonly TargetVarianceRule _rule = new();

    [Test]
    public void PassesAVaryingTarget()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Wine));

        result.Status.Should().Be(RuleStatus.Passed);
        result.Detail.Should().StartWith("variance of 'quality' 0.78");
    }

    [Test]
    public void FailsAConstantTarget()
    {
        var batch = ValidationData.WineWith((_, column, text) => column == "quality" ? "6" : text);

        var result = _rule.Evaluate(ValidationData.Context(batch));

        result.Status.Should().Be(RuleStatus.Failed);
        result.Findings.Should().ContainSingle().Which.Message.Should().Be("the target 'quality' is (nearly) constant: variance 0, minimum 1E-12.");
    }

    [Test]
    public void FailsATargetWithFewerThanTwoNumbers()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Csv("x,y\n1,2\n2,NA\n"), target: "y"));

        result.Findings.Should().ContainSingle().Which.Message.Should().Be("the target 'y' has 1 numeric value; a variance needs at least 2.");
    }

    [Test]
    public void IsSkippedWithoutATargetColumn()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Linear(3), target: "quality"));

        result.Status.Should().Be(RuleStatus.Skipped);
    }
}
