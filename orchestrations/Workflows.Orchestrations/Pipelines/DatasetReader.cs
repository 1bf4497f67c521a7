using YamlDotNet.RepresentationModel;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>Reads the <c>dataset</c> section.</summary>
internal static class DatasetReader
{
    public static readonly IReadOnlyList<string> Keys = ["name", "format", "task", "target", "features", "ignore", "image", "runOnNewVersion"];

    private static readonly IReadOnlyList<string> FeatureKeys = ["name", "type"];

    private static readonly IReadOnlyList<string> ImageKeys = ["height", "width", "channels"];

    private static readonly Dictionary<string, DatasetFormat> Formats = new() { ["csv"] = DatasetFormat.Csv, ["imageCsv"] = DatasetFormat.ImageCsv };

    /// <summary>Nullable values, so a missing or invalid task reads as unknown rather than as a guess.</summary>
    private static readonly Dictionary<string, ModelTask?> Tasks = new() { ["classification"] = ModelTask.Classification, ["regression"] = ModelTask.Regression };

    private static readonly Dictionary<string, ColumnType> ColumnTypes = new()
    {
        ["numeric"] = ColumnType.Numeric,
        ["integer"] = ColumnType.Integer,
        ["boolean"] = ColumnType.Boolean,
        ["categorical"] = ColumnType.Categorical,
    };

    /// <param name="section">The dataset section.</param>
    /// <param name="pipelineName">The default dataset name.</param>
    /// <param name="task">The task, or null when it is missing or invalid, so that checks depending on it are skipped.</param>
    public static DatasetDefinition Read(YamlSection section, string pipelineName, out ModelTask? task)
    {
        var name = section.Find("name") is null ? pipelineName : PipelineRules.RequiredName(section, "name");
        var format = section.Choice("format", Formats, DatasetFormat.Csv);
        task = section.RequiredChoice("task", Tasks, placeholder: null);
        var target = section.RequiredText("target");
        var features = ReadFeatures(section);
        var ignore = ReadIgnore(section);
        var image = ReadImage(section, format, task);
        CheckColumns(section, target, features, ignore);
        return new DatasetDefinition(
            name,
            format,
            task ?? ModelTask.Classification,
            target,
            features?.Select(feature => feature.Definition).ToList(),
            ignore.Select(column => column.Name).ToList(),
            image,
            section.Flag("runOnNewVersion", fallback: false));
    }

    /// <summary>Features as a list of <c>{name, type}</c> or a mapping <c>name: type</c>, each with its position.</summary>
    private static List<(FeatureDefinition Definition, YamlNode At)>? ReadFeatures(YamlSection section)
    {
        if (section.Find("features") is not { } node)
        {
            return null;
        }

        var reader = section.Reader;
        var path = section.PathOf("features");
        var features = new List<(FeatureDefinition, YamlNode)>();
        if (node is YamlMappingNode)
        {
            foreach (var (key, value) in reader.Entries(node, path))
            {
                if (reader.TryChoice(value, $"{path}.{key.Value}", ColumnTypes, out var type))
                {
                    features.Add((new FeatureDefinition(key.Value!, type), key));
                }
            }
        }
        else
        {
            var items = reader.Items(node, path, "a list of {name, type} or a mapping of name: type");
            for (var i = 0; i < items.Count; i++)
            {
                if (reader.Section(items[i], $"{path}[{i}]", FeatureKeys) is not { } feature)
                {
                    continue;
                }

                var featureName = feature.RequiredText("name");
                var type = feature.RequiredChoice("type", ColumnTypes, ColumnType.Numeric);
                features.Add((new FeatureDefinition(featureName, type), feature.Find("name") ?? items[i]));
            }
        }

        if (node is YamlSequenceNode { Children.Count: 0 } or YamlMappingNode { Children.Count: 0 })
        {
            reader.Error(node, $"'{path}' lists no columns (omit it to use every column that is not the target or ignored)");
        }

        return features;
    }

    private static List<(string Name, YamlNode At)> ReadIgnore(YamlSection section)
    {
        if (section.Find("ignore") is not { } node)
        {
            return [];
        }

        var path = section.PathOf("ignore");
        var items = section.Reader.Items(node, path);
        return items
            .Select((item, i) => (Name: section.Reader.Text(item, $"{path}[{i}]"), At: item))
            .Where(column => column.Name is not null)
            .Select(column => (column.Name!, column.At))
            .ToList();
    }

    private static ImageShape? ReadImage(YamlSection section, DatasetFormat format, ModelTask? task)
    {
        if (format == DatasetFormat.ImageCsv && task == ModelTask.Regression)
        {
            section.ReportAt("task", "format imageCsv supports task classification only");
        }

        if (section.Find("image") is null)
        {
            if (format == DatasetFormat.ImageCsv)
            {
                section.ReportAt("format", "format imageCsv requires 'dataset.image' with height, width and channels");
            }

            return null;
        }

        if (format != DatasetFormat.ImageCsv)
        {
            section.ReportAt("image", "'dataset.image' applies to format imageCsv only");
        }

        if (section.Section("image", ImageKeys) is not { } image)
        {
            return null;
        }

        var positive = NumberBounds.AtLeast(1);
        foreach (var required in new[] { "height", "width" }.Where(key => image.Find(key) is null))
        {
            image.ReportMissing(required);
        }

        return new ImageShape(image.Integer("height", 1, positive), image.Integer("width", 1, positive), image.Integer("channels", 1, positive));
    }

    /// <summary>The target, features and ignored columns must be distinct: a column plays one role.</summary>
    private static void CheckColumns(
        YamlSection section, string target, List<(FeatureDefinition Definition, YamlNode At)>? features, List<(string Name, YamlNode At)> ignore)
    {
        var reader = section.Reader;
        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (definition, at) in features ?? [])
        {
            if (definition.Name == target)
            {
                reader.Error(at, $"feature '{definition.Name}' is the target; the target cannot also be a feature");
            }
            else if (!seen.TryAdd(definition.Name, at))
            {
                reader.Error(at, $"feature '{definition.Name}' is declared twice (first at line {seen[definition.Name].Start.Line}, column {seen[definition.Name].Start.Column})");
            }
        }

        foreach (var (name, at) in ignore)
        {
            if (name == target)
            {
                reader.Error(at, $"ignored column '{name}' is the target; the target cannot be ignored");
            }
            else if (seen.ContainsKey(name))
            {
                reader.Error(at, $"ignored column '{name}' is also declared as a feature");
            }
        }
    }
}
