using System.Globalization;
using MlTrack.Trainer.Tests.Support;
using MlTrack.Trainer.Validation;
using MlTrack.Trainer.Validation.Rules;

namespace MlTrack.Trainer.Tests.Validation.Rules;

[TestFixture]
public sealed class ValueRangeRuleTests
{
    private readonly ValueRangeRule _rule = new();

    [Test]
    public void PassesTheReferenceDataItself()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Wine, reference: ValidationData.WineProfile));

        result.Status.Should().Be(RuleStatus.Passed);
        result.Detail.Should().StartWith("12 columns against the reference's ranges widened by 50%");
    }

    [Test]
    public void FailsWhenAColumnChangesUnits()
    {
        // density recorded in kg/m³ instead of g/cm³: every value 1000 times larger.
        var batch = ValidationData.WineWith((_, column, text) => column == "density" ? Times1000(text) : text);

        var result = _rule.Evaluate(ValidationData.Context(batch, reference: ValidationData.WineProfile));

        result.Status.Should().Be(RuleStatus.Failed);
        result.Findings.Should().ContainSingle().Which.Message.Should().Be(
            "column 'density': 4898 of 4898 (100%) values outside [0.961175, 1.06492] (reference [0.98711, 1.03898], seen [987.11, 1038.98]; allowed 1%).");
    }

    [Test]
    public void WarnsAboutAFewOutliersWithinTheAllowedShare()
    {
        // alcohol ranges 8 to 14.2 in the reference, so up to 17.3 is tolerated; 3 rows of 40 are not.
        var batch = ValidationData.WineWith((row, column, text) => column == "alcohol" && row < 3 ? "40" : text);

        var result = _rule.Evaluate(ValidationData.Context(batch, reference: ValidationData.WineProfile));

        result.Status.Should().Be(RuleStatus.Warning);
        result.Findings.Should().ContainSingle().Which.Message.Should().Be(
            "column 'alcohol': 3 of 4898 (0.06%) values outside [4.9, 17.3] (reference [8, 14.2], seen [8, 40]; allowed 1%).");
    }

    [Test]
    public void IsSkippedWithoutAReference()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Wine));

        result.Status.Should().Be(RuleStatus.Skipped);
        result.Findings.Should().BeEmpty();
    }

    [Test]
    public void WidensAConstantReferenceColumnByItsMagnitude()
    {
        var reference = new ColumnProfile("c", "double", 4, 4, 4, 0, Enumerable.Repeat(4.0, 11).ToArray());

        ValueRangeRule.AllowedRange(reference, 0.5).Should().Be((2.0, 6.0));
        ValueRangeRule.AllowedRange(reference with { Min = 0, Max = 0 }, 0.5).Should().Be((-0.5, 0.5));
    }

    private static string Times1000(string text) =>
        (double.Parse(text, CultureInfo.InvariantCulture) * 1000).ToString(CultureInfo.InvariantCulture);
}
