using System.Globalization;
using System.Text;

namespace Workflows.Orchestrations.Datasets;

/// <summary>Every finding on one source file; it passed when none is an error.</summary>
/// <param name="Source">The file's name.</param>
/// <param name="Passed">No error finding.</param>
/// <param name="Findings">Errors first, then warnings, each in the order found.</param>
public sealed record ValidationReport(string Source, bool Passed, IReadOnlyList<ValidationFinding> Findings)
{
    /// <summary>The report as people read it: a verdict line, then one line per finding.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        var errors = Findings.Count(f => f.Severity == FindingSeverity.Error);
        var warnings = Findings.Count - errors;
        text.Append(CultureInfo.InvariantCulture, $"{Source}: {(Passed ? "PASSED" : "FAILED")} ({errors} error(s), {warnings} warning(s))\n");
        foreach (var finding in Findings)
        {
            text.Append(finding.Severity == FindingSeverity.Error ? "  ERROR   " : "  WARNING ");
            text.Append('[').Append(finding.Rule).Append(']');
            if (finding.Column is not null)
            {
                text.Append(" column '").Append(finding.Column).Append('\'');
            }

            text.Append(": ").Append(finding.Message);
            if (finding.Rows.Count > 0)
            {
                var more = finding.Count > finding.Rows.Count ? ", ..." : "";
                text.Append(CultureInfo.InvariantCulture, $" (rows {string.Join(", ", finding.Rows)}{more}; {finding.Count} in all)");
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
