using System.Globalization;
using Workflows.Orchestrations.Scheduling;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>Checks shared by several sections of a pipeline file.</summary>
internal static class PipelineRules
{
    /// <summary>A pipeline or dataset name; it becomes part of folder names, URLs and instance ids.</summary>
    public static string RequiredName(YamlSection section, string key)
    {
        var name = section.RequiredText(key);
        if (name.Length > 0 && !PipelineNames.IsValid(name))
        {
            section.ReportAt(key, $"'{section.PathOf(key)}' is '{name}' but must match {PipelineNames.Pattern} (lower-case letters, digits and '-', at most {PipelineNames.MaxLength} characters)");
        }

        return name;
    }

    /// <summary>An NCRONTAB expression (6 fields, seconds first), returned normalized; null when absent or invalid.</summary>
    public static string? Cron(YamlSection section, string key)
    {
        if (section.Text(key) is not { } text)
        {
            return null;
        }

        if (!CronSchedule.TryParse(text, out var schedule, out var error))
        {
            section.ReportAt(key, $"'{section.PathOf(key)}' is not a valid NCRONTAB expression ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}): {error}");
            return null;
        }

        return schedule.ToString();
    }

    /// <summary>Reports a key that only makes sense for classification when the task is regression.</summary>
    public static void ClassificationOnly(YamlSection section, string key, ModelTask? task)
    {
        if (task == ModelTask.Regression && section.Find(key) is not null)
        {
            section.ReportAt(key, $"'{section.PathOf(key)}' applies to classification only (dataset.task is regression)");
        }
    }

    /// <summary>An open or closed interval from a <c>{min, max}</c> mapping: at least one side, and min not above max.</summary>
    public static (double? Min, double? Max)? Bounds(YamlSection bounds)
    {
        var min = bounds.OptionalNumber("min", NumberBounds.Any);
        var max = bounds.OptionalNumber("max", NumberBounds.Any);
        if (bounds.Find("min") is null && bounds.Find("max") is null)
        {
            bounds.Reader.Error(bounds.Start, $"'{bounds.Path}' needs 'min', 'max' or both");
            return null;
        }

        if (min > max)
        {
            bounds.ReportAt("min", string.Create(CultureInfo.InvariantCulture, $"'{bounds.Path}' has min {min} above max {max}"));
            return null;
        }

        return (min, max);
    }
}
