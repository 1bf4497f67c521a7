using YamlDotNet.RepresentationModel;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>Reads the <c>evaluation</c> section.</summary>
internal static class EvaluationReader
{
    public static readonly IReadOnlyList<string> Keys = ["primaryMetric", "thresholds", "mustBeatProduction", "minImprovement"];

    private static readonly IReadOnlyList<string> ThresholdKeys = ["metric", "min", "max"];

    private static readonly IReadOnlyList<string> BoundKeys = ["min", "max"];

    public static EvaluationDefinition Read(YamlSection section, ModelTask? task)
    {
        var primaryMetric = section.Text("primaryMetric") ?? (task == ModelTask.Regression ? PipelineDefaults.RegressionMetric : PipelineDefaults.ClassificationMetric);
        CheckMetric(section.Reader, section.Find("primaryMetric"), primaryMetric, task);
        return new EvaluationDefinition(
            primaryMetric,
            ReadThresholds(section, task),
            section.Flag("mustBeatProduction", PipelineDefaults.MustBeatProduction),
            section.Number("minImprovement", PipelineDefaults.MinImprovement, NumberBounds.NonNegative));
    }

    /// <summary>Thresholds as a list of <c>{metric, min, max}</c> or a mapping <c>metric: {min, max}</c>.</summary>
    private static List<MetricThreshold> ReadThresholds(YamlSection section, ModelTask? task)
    {
        var thresholds = new List<MetricThreshold>();
        if (section.Find("thresholds") is not { } node)
        {
            return thresholds;
        }

        var reader = section.Reader;
        var path = section.PathOf("thresholds");
        var entries = new List<(string Metric, YamlNode MetricAt, YamlSection Bounds)>();
        if (node is YamlMappingNode)
        {
            foreach (var (metric, value) in reader.Entries(node, path))
            {
                if (reader.Section(value, $"{path}.{metric.Value}", BoundKeys) is { } bounds)
                {
                    entries.Add((metric.Value!, metric, bounds));
                }
            }
        }
        else
        {
            var items = reader.Items(node, path, "a list of {metric, min, max} or a mapping of metric: {min, max}");
            for (var i = 0; i < items.Count; i++)
            {
                if (reader.Section(items[i], $"{path}[{i}]", ThresholdKeys) is { } item && item.RequiredText("metric") is { Length: > 0 } metric)
                {
                    entries.Add((metric, item.Find("metric")!, item));
                }
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (metric, metricAt, bounds) in entries)
        {
            CheckMetric(reader, metricAt, metric, task);
            if (!seen.Add(metric))
            {
                reader.Error(metricAt, $"metric '{metric}' has more than one threshold under '{path}'");
            }

            if (PipelineRules.Bounds(bounds) is var (min, max))
            {
                thresholds.Add(new MetricThreshold(metric, min, max));
            }
        }

        return thresholds;
    }

    /// <summary>Checks a metric name against the task's metrics; skipped when the task itself is unknown.</summary>
    private static void CheckMetric(YamlReader reader, YamlNode? at, string metric, ModelTask? task)
    {
        if (at is null || task is not { } knownTask)
        {
            return;
        }

        var known = KnownMetrics.For(knownTask);
        if (!known.Contains(metric, StringComparer.Ordinal))
        {
            reader.Error(at, $"unknown {knownTask.ToString().ToLowerInvariant()} metric '{metric}' (expected one of: {string.Join(", ", known)})");
        }
    }
}
