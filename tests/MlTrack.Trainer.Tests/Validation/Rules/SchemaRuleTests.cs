using MlTrack.Trainer.Tests.Support;
using MlTrack.Trainer.Validation;
using MlTrack.Trainer.Validation.Rules;

namespace MlTrack.Trainer.Tests.Validation.Rules;

[TestFixture]
public sealed class SchemaRuleTests
{
    private readonly SchemaRule _rule = new();

    [Test]
    public void PassesTheWineDataAgainstItsOwnProfile()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Wine, reference: ValidationData.WineProfile));

        result.Status.Should().Be(RuleStatus.Passed);
        result.Detail.Should().Be("12 columns, target 'quality'; reference has 12 columns");
    }

    [Test]
    public void FailsWithoutTheTarget()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Linear(5), target: "quality"));

        result.Status.Should().Be(RuleStatus.Failed);
        result.Findings.Should().ContainSingle().Which.Message.Should().Be("the target column 'quality' is missing; the columns are 'x', 'y'.");
    }

    [Test]
    public void FailsOnMissingAndExtraColumnsAgainstTheReference()
    {
        var batch = ValidationData.Csv("fixed acidity,colour,quality\n7,1,6\n");

        var result = _rule.Evaluate(ValidationData.Context(batch, reference: ValidationData.WineProfile));

        result.Status.Should().Be(RuleStatus.Failed);
        result.Findings.Select(f => f.Message).Should().Equal(
            "columns 'volatile acidity', 'citric acid', 'residual sugar', 'chlorides', 'free sulfur dioxide', 'total sulfur dioxide', "
                + "'density', 'pH', 'sulphates', 'alcohol' of the reference data are missing.",
            "column 'colour' is not in the reference data; the model's inputs would change.");
    }

    [Test]
    public void FailsOnTextColumnsAndStrayTextCells()
    {
        var batch = ValidationData.Csv("x,colour,y\n1,red,6\n2,white,six\n3,red,5\n");

        var result = _rule.Evaluate(ValidationData.Context(batch, target: "y"));

        result.Findings.Should().OnlyContain(f => f.Severity == Severity.Error && f.Rule == "schema");
        result.Findings.Select(f => f.Message).Should().Equal(
            "column 'colour' is text, not numbers: 3 of 3 (100%) cells, e.g. 'red', 'white'.",
            "column 'y' has 1 non-numeric value, e.g. 'six'.");
    }

    [Test]
    public void WithoutAReferenceAcceptsAnyNumericFeatures()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Linear(5), target: "y"));

        result.Status.Should().Be(RuleStatus.Passed);
    }

    [Test]
    public void FailsWhenTheReferenceWasProfiledForAnotherTarget()
    {
        var result = _rule.Evaluate(ValidationData.Context(ValidationData.Wine, target: "alcohol", reference: ValidationData.WineProfile));

        result.Findings.Should().ContainSingle().Which.Message.Should().Be("the reference profile is for target 'quality', not 'alcohol'.");
    }
}
