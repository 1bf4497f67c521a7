using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>Matches a file's header with the dataset definition and the rules: roles, declared types, missing columns.</summary>
internal static class SchemaResolver
{
    /// <summary>One plan per header column; null when the header itself is unusable (empty or duplicate names).</summary>
    public static ColumnPlan[]? Resolve(IReadOnlyList<string> header, DatasetDefinition dataset, ValidationRules rules, List<ValidationFinding> findings)
    {
        if (!HeaderIsUsable(header, findings))
        {
            return null;
        }

        var present = header.ToHashSet(StringComparer.Ordinal);
        var required = new List<string> { dataset.Target };
        if (dataset.Format == DatasetFormat.Csv && dataset.Features is not null)
        {
            required.AddRange(dataset.Features.Select(f => f.Name));
        }

        required.AddRange(rules.RequiredColumns);
        foreach (var missing in required.Distinct(StringComparer.Ordinal).Where(c => !present.Contains(c)))
        {
            var what = missing == dataset.Target ? "the target column" : "a required column";
            findings.Add(new ValidationFinding(ValidationRuleNames.RequiredColumns, FindingSeverity.Error, missing, [], 1,
                $"{what} '{missing}' is missing (the header has: {string.Join(", ", header)})"));
        }

        return dataset.Format == DatasetFormat.ImageCsv ? ResolveImage(header, dataset, findings) : ResolveTable(header, dataset, findings);
    }

    private static bool HeaderIsUsable(IReadOnlyList<string> header, List<ValidationFinding> findings)
    {
        var usable = true;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(header[i]))
            {
                findings.Add(new ValidationFinding(ValidationRuleNames.Header, FindingSeverity.Error, null, [], 1,
                    $"header column {i + 1} (line 1) has an empty name: every column needs a name"));
                usable = false;
            }
            else if (!seen.TryAdd(header[i], i))
            {
                findings.Add(new ValidationFinding(ValidationRuleNames.Header, FindingSeverity.Error, header[i], [], 1,
                    $"duplicate column name '{header[i]}' in the header (line 1): columns {seen[header[i]] + 1} and {i + 1}"));
                usable = false;
            }
        }

        return usable;
    }

    private static ColumnPlan[] ResolveTable(IReadOnlyList<string> header, DatasetDefinition dataset, List<ValidationFinding> findings)
    {
        var ignored = dataset.Ignore.ToHashSet(StringComparer.Ordinal);
        foreach (var absent in dataset.Ignore.Where(c => !header.Contains(c)))
        {
            findings.Add(new ValidationFinding(ValidationRuleNames.ExtraColumn, FindingSeverity.Warning, absent, [], 1,
                $"the ignored column '{absent}' is not in the file"));
        }

        var declared = dataset.Features?.ToDictionary(f => f.Name, f => f.Type, StringComparer.Ordinal);
        var plans = new ColumnPlan[header.Count];
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i];
            if (name == dataset.Target)
            {
                plans[i] = new ColumnPlan(i, name, ColumnRole.Target, null);
            }
            else if (ignored.Contains(name))
            {
                plans[i] = new ColumnPlan(i, name, ColumnRole.Ignored, null);
            }
            else if (declared is null)
            {
                plans[i] = new ColumnPlan(i, name, ColumnRole.Feature, null);
            }
            else if (declared.TryGetValue(name, out var type))
            {
                plans[i] = new ColumnPlan(i, name, ColumnRole.Feature, type);
            }
            else
            {
                findings.Add(new ValidationFinding(ValidationRuleNames.ExtraColumn, FindingSeverity.Warning, name, [], 1,
                    $"column '{name}' is not a declared feature: it is kept in the data but ignored for training"));
                plans[i] = new ColumnPlan(i, name, ColumnRole.Ignored, null);
            }
        }

        return plans;
    }

    private static ColumnPlan[] ResolveImage(IReadOnlyList<string> header, DatasetDefinition dataset, List<ValidationFinding> findings)
    {
        var pixels = header.Count(name => name != dataset.Target);
        if (dataset.Image is not { } shape)
        {
            findings.Add(new ValidationFinding(ValidationRuleNames.ImageShape, FindingSeverity.Error, null, [], 1,
                "the dataset's format is ImageCsv but it declares no image shape (height, width, channels)"));
        }
        else if ((long)shape.Height * shape.Width * shape.Channels != pixels)
        {
            findings.Add(new ValidationFinding(ValidationRuleNames.ImageShape, FindingSeverity.Error, null, [], 1,
                $"{pixels} pixel columns, but the image shape {shape.Height}x{shape.Width}x{shape.Channels} needs {(long)shape.Height * shape.Width * shape.Channels}"));
        }

        return header.Select((name, i) => name == dataset.Target
            ? new ColumnPlan(i, name, ColumnRole.Target, null)
            : new ColumnPlan(i, name, ColumnRole.Feature, ColumnType.Numeric)).ToArray();
    }
}
