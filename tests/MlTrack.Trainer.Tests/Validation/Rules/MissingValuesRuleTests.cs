using MlTrack.Trainer.Tests.Support;
using MlTrack.Trainer.Validation;
using MlTrack.Trainer.Validation.Rules;

namespace MlTrack.Trainer.Tests.Validation.Rules;

[TestFixture]
public sealed class MissingValuesRuleTests
{
    private readonly MissingValuesRule _rule = new();

    [Test]
    public void PassesCompleteData()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Wine));

        result.Status.Should().Be(RuleStatus.Passed);
        result.Detail.Should().Be("0 missing cells in 0 of 12 columns (allowed per column 0%)");
    }

    [Test]
    public void FailsOnASingleMissingCellByDefault()
    {
        var batch = ValidationData.WineWith((row, column, text) => row == 10 && column == "pH" ? "NA" : text);

        var result = _rule.Evaluate(ValidationData.Context(batch));

        result.Status.Should().Be(RuleStatus.Failed);
        result.Findings.Should().ContainSingle().Which.Message.Should().Be("column 'pH': 1 of 4898 (0.02%) values missing (allowed 0%).");
    }

    [Test]
    public void WarnsWithinAnAllowanceAndFailsAboveIt()
    {
        // alcohol: 1 in 100 rows missing; residual sugar: 1 in 10.
        var batch = ValidationData.WineWith((row, column, text) =>
            (column == "alcohol" && row % 100 == 0) || (column == "residual sugar" && row % 10 == 0) ? string.Empty : text);
        var settings = ValidationSettings.Default with { MaxMissingRatio = 0.05 };

        var result = _rule.Evaluate(ValidationData.Context(batch, settings: settings));

        result.Status.Should().Be(RuleStatus.Failed);
        result.Findings.Select(f => (f.Severity, f.Message)).Should().Equal(
            (Severity.Error, "column 'residual sugar': 490 of 4898 (10%) values missing (allowed 5%)."),
            (Severity.Warning, "column 'alcohol': 49 of 4898 (1%) values missing (allowed 5%)."));
    }
}
