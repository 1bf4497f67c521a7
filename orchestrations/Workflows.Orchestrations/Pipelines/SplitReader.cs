using System.Globalization;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>Reads the <c>split</c> section.</summary>
internal static class SplitReader
{
    public static readonly IReadOnlyList<string> Keys = ["validation", "test", "seed", "stratify"];

    /// <summary>Each part must get some rows (trials are ranked on validation, the gate reads test) and training the rest.</summary>
    private static readonly NumberBounds PartShare = new(0, 1, MinExclusive: true);

    public static SplitDefinition Read(YamlSection section, ModelTask? task)
    {
        var validation = section.Number("validation", PipelineDefaults.ValidationFraction, PartShare);
        var test = section.Number("test", PipelineDefaults.TestFraction, PartShare);
        if (validation + test >= 1)
        {
            section.ReportAt(
                section.Find("test") is null ? "validation" : "test",
                string.Create(CultureInfo.InvariantCulture, $"split.validation + split.test is {validation + test} but must be below 1 (the rest trains)"));
        }

        var stratify = section.Flag("stratify", task != ModelTask.Regression);
        if (stratify && task == ModelTask.Regression)
        {
            section.ReportAt("stratify", "'split.stratify' applies to classification only (dataset.task is regression)");
        }

        return new SplitDefinition(validation, test, section.Integer("seed", PipelineDefaults.Seed, NumberBounds.AtLeast(0)), stratify);
    }
}
