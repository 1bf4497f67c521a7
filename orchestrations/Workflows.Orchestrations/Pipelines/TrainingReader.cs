using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>Reads the <c>training</c> section.</summary>
internal static class TrainingReader
{
    public static readonly IReadOnlyList<string> Keys = ["trainer", "device", "hyperparameters", "sweep", "maxParallelTrials", "timeout", "maxAttempts"];

    private static readonly Dictionary<string, string> Trainers = new() { ["mlp"] = "mlp", ["cnn"] = "cnn" };

    private static readonly Dictionary<string, string> Devices = new() { ["auto"] = "auto", ["cpu"] = "cpu", ["cuda"] = "cuda" };

    public static TrainingDefinition Read(YamlSection section, DatasetFormat format)
    {
        var defaultTrainer = format == DatasetFormat.ImageCsv ? PipelineDefaults.ImageTrainer : PipelineDefaults.TabularTrainer;
        var trainer = section.Choice("trainer", Trainers, defaultTrainer);
        if (trainer == PipelineDefaults.ImageTrainer && format != DatasetFormat.ImageCsv)
        {
            section.ReportAt("trainer", "trainer 'cnn' needs dataset.format imageCsv (use 'mlp' for tabular data)");
        }

        var positive = NumberBounds.AtLeast(1);
        return new TrainingDefinition(
            trainer,
            section.Choice("device", Devices, PipelineDefaults.Device),
            ReadHyperparameters(section),
            ReadSweep(section),
            section.Integer("maxParallelTrials", PipelineDefaults.MaxParallelTrials, positive),
            section.Duration("timeout", PipelineDefaults.TrainingTimeout),
            section.Integer("maxAttempts", PipelineDefaults.MaxAttempts, positive));
    }

    private static Dictionary<string, JsonElement> ReadHyperparameters(YamlSection section)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (section.Find("hyperparameters") is { } node)
        {
            foreach (var (name, value) in section.Reader.Entries(node, section.PathOf("hyperparameters")))
            {
                values[name.Value!] = YamlJson.ToElement(value);
            }
        }

        return values;
    }

    /// <summary>A grid: each key lists the values to try; every combination is one trial.</summary>
    private static Dictionary<string, IReadOnlyList<JsonElement>>? ReadSweep(YamlSection section)
    {
        if (section.Find("sweep") is not { } node)
        {
            return null;
        }

        var path = section.PathOf("sweep");
        var grid = new Dictionary<string, IReadOnlyList<JsonElement>>(StringComparer.Ordinal);
        foreach (var (name, value) in section.Reader.Entries(node, path))
        {
            var choices = section.Reader.Items(value, $"{path}.{name.Value}", "a list of values to try");
            if (choices.Count == 0 && value is YamlSequenceNode)
            {
                section.Reader.Error(value, $"'{path}.{name.Value}' lists no values (a sweep key needs at least one)");
            }

            grid[name.Value!] = choices.Select(YamlJson.ToElement).ToList();
        }

        if (node is YamlMappingNode { Children.Count: 0 })
        {
            section.ReportAt("sweep", $"'{path}' has no keys (omit it for a single training run)");
        }

        return grid;
    }
}
