namespace Workflows.Orchestrations.Pipelines;

/// <summary>Reads the <c>validation</c> section.</summary>
internal static class ValidationReader
{
    public static readonly IReadOnlyList<string> Keys =
    [
        "requiredColumns", "minRows", "maxNullFraction", "nullFractions", "ranges", "maxDuplicateRowFraction",
        "labelClasses", "minRowsPerClass", "driftWarningPsi",
    ];

    private static readonly IReadOnlyList<string> RangeKeys = ["min", "max"];

    public static ValidationRules Read(YamlSection section, ModelTask? task)
    {
        PipelineRules.ClassificationOnly(section, "labelClasses", task);
        PipelineRules.ClassificationOnly(section, "minRowsPerClass", task);
        return new ValidationRules(
            section.TextList("requiredColumns") ?? [],
            section.Integer("minRows", PipelineDefaults.MinRows, NumberBounds.AtLeast(1)),
            section.Number("maxNullFraction", PipelineDefaults.MaxNullFraction, NumberBounds.Fraction),
            ReadNullFractions(section),
            ReadRanges(section),
            section.Number("maxDuplicateRowFraction", PipelineDefaults.MaxDuplicateRowFraction, NumberBounds.Fraction),
            ReadLabelClasses(section),
            section.Integer("minRowsPerClass", PipelineDefaults.MinRowsPerClass, NumberBounds.AtLeast(1)),
            section.Number("driftWarningPsi", PipelineDefaults.DriftWarningPsi, NumberBounds.Positive));
    }

    private static Dictionary<string, double> ReadNullFractions(YamlSection section)
    {
        var fractions = new Dictionary<string, double>(StringComparer.Ordinal);
        if (section.Find("nullFractions") is not { } node)
        {
            return fractions;
        }

        var path = section.PathOf("nullFractions");
        foreach (var (column, value) in section.Reader.Entries(node, path))
        {
            if (section.Reader.Number(value, $"{path}.{column.Value}", NumberBounds.Fraction) is { } fraction)
            {
                fractions[column.Value!] = fraction;
            }
        }

        return fractions;
    }

    private static Dictionary<string, ValueRange> ReadRanges(YamlSection section)
    {
        var ranges = new Dictionary<string, ValueRange>(StringComparer.Ordinal);
        if (section.Find("ranges") is not { } node)
        {
            return ranges;
        }

        var path = section.PathOf("ranges");
        foreach (var (column, value) in section.Reader.Entries(node, path))
        {
            if (section.Reader.Section(value, $"{path}.{column.Value}", RangeKeys) is not { } bounds)
            {
                continue;
            }

            if (PipelineRules.Bounds(bounds) is var (min, max))
            {
                ranges[column.Value!] = new ValueRange(min, max);
            }
        }

        return ranges;
    }

    private static List<string>? ReadLabelClasses(YamlSection section)
    {
        if (section.TextList("labelClasses") is not { } classes)
        {
            return null;
        }

        if (classes.Count < 2)
        {
            section.ReportAt("labelClasses", "'validation.labelClasses' needs at least two classes");
        }

        if (classes.GroupBy(label => label, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1) is { } repeated)
        {
            section.ReportAt("labelClasses", $"'validation.labelClasses' lists '{repeated.Key}' more than once");
        }

        return classes.ToList();
    }
}
