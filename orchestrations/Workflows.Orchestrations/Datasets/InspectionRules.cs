using System.Globalization;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>Turns what the scan and the profiling counted into findings, rule by rule.</summary>
internal static class InspectionRules
{
    /// <summary>Findings the scan alone decides: field counts, declared-type mismatches, non-finite numbers.</summary>
    public static void CheckScan(DatasetScan scan, DatasetDefinition dataset, List<ValidationFinding> findings)
    {
        if (scan.WrongFieldCounts.Count > 0)
        {
            findings.Add(scan.WrongFieldCounts.ToFinding(ValidationRuleNames.FieldCount, FindingSeverity.Error, null,
                $"{scan.WrongFieldCounts.Count} row(s) do not have the header's {scan.Header!.Length} fields; the first, at line {scan.WrongFieldCounts.FirstLine}, has {scan.FirstWrongFieldCount}"));
        }

        foreach (var column in scan.Columns!)
        {
            var name = column.Plan.Name;
            if (column.TypeMismatches.Count > 0)
            {
                findings.Add(column.TypeMismatches.ToFinding(ValidationRuleNames.TypeMismatch, FindingSeverity.Error, name,
                    $"{column.TypeMismatches.Count} value(s) are not {Article(column.Type)} (declared type), the first at line {column.TypeMismatches.FirstLine}"));
            }

            if (column.IsNumeric && column.NonFinite.Count > 0)
            {
                findings.Add(column.NonFinite.ToFinding(ValidationRuleNames.NonFinite, FindingSeverity.Error, name,
                    $"{column.NonFinite.Count} value(s) are NaN or Infinity, which a numeric column does not accept (leave the field empty for a missing value), the first at line {column.NonFinite.FirstLine}"));
            }

            if (column.Plan.Role == ColumnRole.Target && dataset.Task == ModelTask.Regression && !column.IsNumeric && column.Values > 0)
            {
                findings.Add(new ValidationFinding(ValidationRuleNames.TypeMismatch, FindingSeverity.Error, name, [], column.Values,
                    $"the regression target must be numeric, but its values are {column.Type}"));
            }
        }
    }

    /// <summary>Findings on the whole data: row counts, nulls, ranges, duplicates, labels, category overflow.</summary>
    public static void CheckProfile(DatasetScan scan, DatasetProfiling profiling, DatasetDefinition dataset, ValidationRules rules, List<ValidationFinding> findings)
    {
        var rows = scan.Rows;
        if (rows < Math.Max(rules.MinRows, 1))
        {
            var message = rows == 0 ? "the file has a header but no data rows" : $"{rows} data row(s), fewer than the {rules.MinRows} required";
            findings.Add(new ValidationFinding(ValidationRuleNames.MinRows, FindingSeverity.Error, null, [], rows, message));
        }

        foreach (var column in profiling.Columns)
        {
            CheckColumn(column, rows, rules, findings);
        }

        if (rows > 0 && profiling.Duplicates.Count > rules.MaxDuplicateRowFraction * rows)
        {
            findings.Add(profiling.Duplicates.ToFinding(ValidationRuleNames.DuplicateRows, FindingSeverity.Error, null,
                $"{profiling.Duplicates.Count} row(s) ({Percent(profiling.Duplicates.Count, rows)}) repeat an earlier row exactly; at most {rules.MaxDuplicateRowFraction:P1} may"));
        }

        if (dataset.Task == ModelTask.Classification && profiling.Columns.FirstOrDefault(c => c.Scan.Plan.Role == ColumnRole.Target) is { } target)
        {
            CheckClasses(target, rules, findings);
        }
    }

    private static void CheckColumn(ColumnProfiler column, long rows, ValidationRules rules, List<ValidationFinding> findings)
    {
        var name = column.Scan.Plan.Name;
        var nulls = column.Scan.Nulls;
        var maxNulls = rules.NullFractions.GetValueOrDefault(name, rules.MaxNullFraction);
        if (rows > 0 && nulls.Count > maxNulls * rows)
        {
            findings.Add(nulls.ToFinding(ValidationRuleNames.NullFraction, FindingSeverity.Error, name,
                $"{nulls.Count} empty value(s) ({Percent(nulls.Count, rows)}), more than the {maxNulls:P1} allowed"));
        }

        if (column.OutOfRange.Count > 0 && rules.Ranges.GetValueOrDefault(name) is { } range)
        {
            findings.Add(column.OutOfRange.ToFinding(ValidationRuleNames.Range, FindingSeverity.Error, name,
                $"{column.OutOfRange.Count} value(s) outside [{Bound(range.Min)}, {Bound(range.Max)}], the first at line {column.OutOfRange.FirstLine}"));
        }

        if (column.Categories is { Overflow: > 0 } categories && column.Scan.Plan.Role != ColumnRole.Target)
        {
            findings.Add(new ValidationFinding(ValidationRuleNames.CategoryOverflow, FindingSeverity.Warning, name, [], categories.Overflow,
                $"more than {CategoryCounter.MaxTracked} distinct values: {categories.Overflow} value(s) are counted only as 'other' (an id or free text? list it under ignore)"));
        }
    }

    private static void CheckClasses(ColumnProfiler target, ValidationRules rules, List<ValidationFinding> findings)
    {
        var name = target.Scan.Plan.Name;
        var classes = target.Categories!;
        if (classes.Overflow > 0)
        {
            findings.Add(new ValidationFinding(ValidationRuleNames.LabelClasses, FindingSeverity.Error, name, [], classes.Overflow,
                $"more than {CategoryCounter.MaxTracked} distinct labels: is this a regression target?"));
        }

        if (target.DisallowedLabels.Count > 0)
        {
            findings.Add(target.DisallowedLabels.ToFinding(ValidationRuleNames.LabelClasses, FindingSeverity.Error, name,
                $"{target.DisallowedLabels.Count} label(s) are not among the allowed classes ({string.Join(", ", rules.LabelClasses!)}), the first at line {target.DisallowedLabels.FirstLine}"));
        }

        var counts = classes.MostFrequent(CategoryCounter.MaxTracked).ToDictionary(c => c.Value, c => c.Count, StringComparer.Ordinal);
        foreach (var label in rules.LabelClasses ?? [])
        {
            counts.TryAdd(label, 0);
        }

        var small = counts.Where(c => c.Value < rules.MinRowsPerClass).OrderBy(c => c.Key, StringComparer.Ordinal).ToArray();
        if (small.Length > 0)
        {
            findings.Add(new ValidationFinding(ValidationRuleNames.MinRowsPerClass, FindingSeverity.Error, name, [], small.Length,
                $"{small.Length} class(es) have fewer than {rules.MinRowsPerClass} rows: {string.Join(", ", small.Take(20).Select(c => $"'{c.Key}' ({c.Value})"))}"));
        }
    }

    private static string Article(ColumnType type) => type switch
    {
        ColumnType.Integer => "whole numbers",
        ColumnType.Numeric => "numbers",
        ColumnType.Boolean => "booleans (true/false, yes/no, 1/0)",
        _ => type.ToString(),
    };

    private static string Percent(long part, long whole) => ((double)part / whole).ToString("P1", CultureInfo.InvariantCulture);

    private static string Bound(double? bound) => bound?.ToString(CultureInfo.InvariantCulture) ?? "open";
}
