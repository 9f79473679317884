using System.Text;
using System.Text.Json;

namespace MlTrack.Trainer.Validation;

/// <summary>The gate's verdict on a batch: every rule's result, the findings, and whether training may go ahead.</summary>
public sealed class ValidationReport
{
    /// <summary>Creates a report.</summary>
    /// <param name="rules">Each rule's result, in the order they ran.</param>
    /// <param name="files">The batch's files.</param>
    /// <param name="rowCount">The batch's rows.</param>
    /// <param name="target">The target column.</param>
    /// <param name="referenceRowCount">The rows behind the reference profile, or null without one.</param>
    public ValidationReport(IReadOnlyList<RuleResult> rules, IReadOnlyList<string> files, int rowCount, string target, int? referenceRowCount)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(target);
        Rules = rules;
        Files = files;
        RowCount = rowCount;
        Target = target;
        ReferenceRowCount = referenceRowCount;
        Findings = rules.SelectMany(r => r.Findings).ToArray();
    }

    /// <summary>Each rule's result, in the order they ran.</summary>
    public IReadOnlyList<RuleResult> Rules { get; }

    /// <summary>Every finding of every rule.</summary>
    public IReadOnlyList<ValidationFinding> Findings { get; }

    /// <summary>The batch's files.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The batch's rows.</summary>
    public int RowCount { get; }

    /// <summary>The target column.</summary>
    public string Target { get; }

    /// <summary>The rows behind the reference profile, or null when there was no reference.</summary>
    public int? ReferenceRowCount { get; }

    /// <summary>True when no finding is an <see cref="Severity.Error"/>: the batch may be trained on.</summary>
    public bool Passed => Findings.All(f => f.Severity != Severity.Error);

    /// <summary>One line for a run tag: <c>passed</c>, <c>passed with 2 warnings</c> or
    /// <c>failed: schema, missing_values</c> (the rules with errors).</summary>
    public string Summary
    {
        get
        {
            if (!Passed)
            {
                return "failed: " + string.Join(", ", Rules.Where(r => r.Status == RuleStatus.Failed).Select(r => r.Rule));
            }
            int warnings = Findings.Count(f => f.Severity == Severity.Warning);
            return warnings == 0 ? "passed" : $"passed with {ReportFormat.Plural(warnings, "warning")}";
        }
    }

    /// <summary>A report for a person: the data, then each rule with PASS/WARN/FAIL/SKIP, its numbers and findings.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.Append("Data validation ").AppendLine(Passed ? "PASSED" : "FAILED").Append("  ").AppendLine(Summary);
        text.Append("Data: ").Append(ReportFormat.Plural(Files.Count, "file")).Append(" (").AppendJoin(", ", Files).Append("), ")
            .Append(RowCount).Append(" rows, target '").Append(Target).AppendLine("'");
        text.Append("Reference: ").AppendLine(ReferenceRowCount is int n ? $"profile of the champion's training data, {n} rows" : "none (no champion yet)");
        text.AppendLine();
        foreach (var rule in Rules)
        {
            text.Append('[').Append(Label(rule.Status)).Append("] ").Append(rule.Rule).Append(": ").AppendLine(rule.Detail);
            foreach (var finding in rule.Findings)
            {
                text.Append("       ").Append(finding.Severity == Severity.Error ? "error: " : "warning: ").AppendLine(finding.Message);
            }
        }
        return text.ToString();
    }

    /// <summary>The report as indented JSON: passed, summary, the data, and each rule with its status, detail and
    /// findings.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteBoolean("passed", Passed);
            json.WriteString("summary", Summary);
            json.WriteString("target", Target);
            json.WriteNumber("row_count", RowCount);
            json.WriteStartArray("files");
            foreach (var file in Files)
            {
                json.WriteStringValue(file);
            }
            json.WriteEndArray();
            if (ReferenceRowCount is int referenceRows)
            {
                json.WriteNumber("reference_row_count", referenceRows);
            }
            else
            {
                json.WriteNull("reference_row_count");
            }
            json.WriteStartArray("rules");
            foreach (var rule in Rules)
            {
                json.WriteStartObject();
                json.WriteString("rule", rule.Rule);
                json.WriteString("status", Label(rule.Status).ToLowerInvariant());
                json.WriteString("detail", rule.Detail);
                json.WriteStartArray("findings");
                foreach (var finding in rule.Findings)
                {
                    json.WriteStartObject();
                    json.WriteString("severity", finding.Severity == Severity.Error ? "error" : "warning");
                    json.WriteString("message", finding.Message);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Label(RuleStatus status) => status switch
    {
        RuleStatus.Passed => "PASS",
        RuleStatus.Warning => "WARN",
        RuleStatus.Failed => "FAIL",
        _ => "SKIP",
    };
}
