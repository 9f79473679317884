using System.Text.Json;
using MlTrack.Trainer.Tests.Support;
using MlTrack.Trainer.Validation;

namespace MlTrack.Trainer.Tests.Validation;

[TestFixture]
public sealed class DataValidationGateTests
{
    [Test]
    public void PassesTheWineDataAgainstItsOwnProfile()
    {
        var batch = DataBatch.Load([TestData.WinePath]);

        var report = DataValidationGate.Validate(batch, "quality", ValidationData.WineProfile, ValidationSettings.Default);

        report.Passed.Should().BeTrue();
        report.Summary.Should().Be("passed");
        report.Findings.Should().BeEmpty();
        report.Rules.Select(r => r.Rule).Should().Equal("schema", "min_rows", "missing_values", "value_ranges", "target_variance", "duplicates");
        report.Rules.Should().OnlyContain(r => r.Status == RuleStatus.Passed);
        batch.ToTable().RowCount.Should().Be(4898);
    }

    [Test]
    public void WithoutAReferenceSkipsTheRangesWithoutAWarning()
    {
        var report = DataValidationGate.Validate(ValidationData.Wine, "quality", reference: null);

        report.Passed.Should().BeTrue();
        report.Summary.Should().Be("passed");
        report.Rules.Single(r => r.Rule == "value_ranges").Status.Should().Be(RuleStatus.Skipped);
        report.ReferenceRowCount.Should().BeNull();
        report.ToText().Should().Contain("[SKIP] value_ranges").And.Contain("Reference: none (no champion yet)");
    }

    [TestCase("schema")]
    [TestCase("min_rows")]
    [TestCase("missing_values")]
    [TestCase("value_ranges")]
    [TestCase("target_variance")]
    [TestCase("duplicates")]
    public void BlocksOnAnErrorOfAnySingleRule(string failingRule)
    {
        var rules = DataValidationGate.DefaultRules.Select(r => r.Name == failingRule ? new FailingRule(failingRule) : r);

        var report = DataValidationGate.Validate(ValidationData.Wine, "quality", ValidationData.WineProfile, null, rules);

        report.Passed.Should().BeFalse();
        report.Summary.Should().Be($"failed: {failingRule}");
    }

    [Test]
    public void WarningsAloneDoNotBlock()
    {
        var batch = ValidationData.WineWith((row, column, text) => column == "alcohol" && row < 3 ? "40" : text);

        var report = DataValidationGate.Validate(batch, "quality", ValidationData.WineProfile, ValidationSettings.Default);

        report.Passed.Should().BeTrue();
        report.Summary.Should().Be("passed with 1 warning");
        report.Findings.Should().ContainSingle().Which.Severity.Should().Be(Severity.Warning);
    }

    [Test]
    public void ReportsEveryFailingRuleForRealBadData()
    {
        // Too few rows, a text column, a missing cell, a constant target, every row a copy.
        var batch = ValidationData.Csv("x,colour,quality\n" + string.Concat(Enumerable.Repeat("1,red,6\n", 10)) + ",red,6\n");

        var report = DataValidationGate.Validate(batch, "quality", reference: null);

        report.Passed.Should().BeFalse();
        report.Summary.Should().Be("failed: schema, min_rows, missing_values, target_variance, duplicates");
        var text = report.ToText();
        TestContext.Out.WriteLine(text);
        text.Should().StartWith("Data validation FAILED\n  failed: schema, min_rows, missing_values, target_variance, duplicates\n")
            .And.Contain("Data: 1 file (batch.csv), 11 rows, target 'quality'")
            .And.Contain("[FAIL] min_rows: 11 rows (minimum 100)")
            .And.Contain("       error: column 'colour' is text, not numbers")
            .And.Contain("[FAIL] missing_values: 1 missing cell in 1 of 3 columns");
    }

    [Test]
    public void WritesTheReportAsJson()
    {
        var batch = ValidationData.Csv("x,quality\n1,6\n2,NA\n");

        var report = DataValidationGate.Validate(batch, "quality", reference: null);

        using var json = JsonDocument.Parse(report.ToJson());
        var root = json.RootElement;
        root.GetProperty("passed").GetBoolean().Should().BeFalse();
        root.GetProperty("summary").GetString().Should().Be(report.Summary);
        root.GetProperty("row_count").GetInt32().Should().Be(2);
        root.GetProperty("files").EnumerateArray().Select(f => f.GetString()).Should().Equal("batch.csv");
        root.GetProperty("reference_row_count").ValueKind.Should().Be(JsonValueKind.Null);
        var missing = root.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("rule").GetString() == "missing_values");
        missing.GetProperty("status").GetString().Should().Be("fail");
        missing.GetProperty("findings")[0].GetProperty("severity").GetString().Should().Be("error");
        missing.GetProperty("findings")[0].GetProperty("message").GetString().Should().Be("column 'quality': 1 of 2 (50%) values missing (allowed 0%).");
    }

    [Test]
    public void RefusesSettingsOutOfRange()
    {
        var act = () => DataValidationGate.Validate(ValidationData.Wine, "quality", null, ValidationSettings.Default with { MaxDuplicateRatio = 1.5 });

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxDuplicateRatio");
    }

    private sealed class FailingRule(string name) : IValidationRule
    {
        public string Name => name;

        public RuleResult Evaluate(ValidationContext context) =>
            RuleResult.Of(name, "always fails", [new ValidationFinding(name, Severity.Error, "failed on purpose")]);
    }
}
