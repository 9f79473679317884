using MlTrack.Trainer.Tests.Support;
using MlTrack.Trainer.Validation;
using MlTrack.Trainer.Validation.Rules;

namespace MlTrack.Trainer.Tests.Validation.Rules;

[TestFixture]
public sealed class DuplicateRowsRuleTests
{
    private readonly DuplicateRowsRule _rule = new();

    [Test]
    public void PassesTheWineDataWithItsUsualRepeats()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Wine));

        result.Status.Should().Be(RuleStatus.Passed);
        result.Detail.Should().Be("937 of 4898 (19.13%) rows repeat an earlier row (allowed 50%)");
    }

    [Test]
    public void FailsABatchThatIsMostlyCopies()
    {
        var wine = TestData.WinePath;
        var batch = DataBatch.Load([wine, wine]);

        var result = _rule.Evaluate(ValidationData.Context(batch));

        result.Status.Should().Be(RuleStatus.Failed);
        result.Findings.Should().ContainSingle().Which.Message.Should().Be("5835 of 9796 (59.57%) rows repeat an earlier row (allowed 50%).");
    }
}
