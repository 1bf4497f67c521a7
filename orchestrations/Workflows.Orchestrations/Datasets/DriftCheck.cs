using System.Globalization;
using Workflows.Orchestrations.Monitoring;

namespace Workflows.Orchestrations.Datasets;

/// <summary>Warnings when a version differs from the previous one: columns added, removed or retyped, and shifted distributions.</summary>
internal static class DriftCheck
{
    public static void Compare(DatasetProfile previous, DatasetProfile current, DatasetProfiling profiling, double psiThreshold, List<ValidationFinding> findings)
    {
        var before = previous.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var now = current.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var added in current.Columns.Where(c => !before.ContainsKey(c.Name)))
        {
            findings.Add(Warning(ValidationRuleNames.SchemaChange, added.Name, $"column '{added.Name}' ({added.Type}) is new: the previous version did not have it"));
        }

        foreach (var removed in previous.Columns.Where(c => !now.ContainsKey(c.Name)))
        {
            findings.Add(Warning(ValidationRuleNames.SchemaChange, removed.Name, $"column '{removed.Name}' ({removed.Type}) is gone: the previous version had it"));
        }

        foreach (var column in current.Columns.Where(c => before.TryGetValue(c.Name, out var old) && old.Type != c.Type))
        {
            findings.Add(Warning(ValidationRuleNames.SchemaChange, column.Name, $"column '{column.Name}' changed type from {before[column.Name].Type} to {column.Type}"));
        }

        foreach (var column in profiling.Columns)
        {
            if (column.PreviousBins is not { } bins || before[column.Scan.Plan.Name].Histogram is not { } expected)
            {
                continue;
            }

            var psi = PopulationStabilityIndex.Index([.. expected.Counts], [.. bins.Counts]);
            if (psi > psiThreshold)
            {
                findings.Add(Warning(ValidationRuleNames.Drift, column.Scan.Plan.Name,
                    string.Create(CultureInfo.InvariantCulture, $"the distribution shifted from the previous version: PSI {psi:F3} on its histogram bins, above {psiThreshold:F3}")));
            }
        }
    }

    private static ValidationFinding Warning(string rule, string column, string message) => new(rule, FindingSeverity.Warning, column, [], 1, message);
}
