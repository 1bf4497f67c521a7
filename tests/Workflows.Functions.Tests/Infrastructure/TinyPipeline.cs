using System.Globalization;
using System.Text;

namespace Workflows.Functions.Tests.Infrastructure;

/// <summary>A small pipeline and data made for a test: a pipelines directory of its own, and CSV files to drop.</summary>
public static class TinyPipeline
{
    /// <summary>A pipelines directory holding one pipeline <c>tiny</c> on dataset <c>tiny</c>.</summary>
    public static string Directory(string? schedule = null, bool runOnNewVersion = false, string? evaluation = null, string? deploy = null, string? monitoring = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "workflows-functions-tests", "pipelines-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        Write(directory, schedule, runOnNewVersion, evaluation, deploy, monitoring);
        return directory;
    }

    /// <summary>
    /// (Re)writes the definition, as a user editing it would. <paramref name="evaluation"/>, <paramref name="deploy"/> and
    /// <paramref name="monitoring"/> replace those sections (YAML flow mappings such as
    /// <c>{ primaryMetric: accuracy, mustBeatProduction: false }</c>); no monitoring section when null.
    /// </summary>
    public static void Write(string directory, string? schedule, bool runOnNewVersion = false, string? evaluation = null, string? deploy = null, string? monitoring = null) =>
        File.WriteAllText(Path.Combine(directory, "tiny.yaml"), $"""
            name: tiny
            description: A two-feature classifier made for tests.
            dataset:
              name: tiny
              format: csv
              task: classification
              target: label
              runOnNewVersion: {(runOnNewVersion ? "true" : "false")}
            validation:
              minRows: 10
            training:
              trainer: mlp
              device: cpu
              hyperparameters:
                epochs: 5
            evaluation: {evaluation ?? "{ primaryMetric: accuracy }"}
            deploy: {deploy ?? "{ approval: auto }"}
            {(monitoring is null ? "" : $"monitoring: {monitoring}")}
            {(schedule is null ? "" : $"schedule: \"{schedule}\"")}
            """);

    /// <summary>CSV content: <paramref name="rows"/> rows whose values depend on <paramref name="seed"/>, so different seeds give different content.</summary>
    public static string Csv(int seed, int rows = 40)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("x1,x2,label\n");
        for (var i = 0; i < rows; i++)
        {
            var x1 = random.NextDouble() * 10;
            var x2 = random.NextDouble() * 5;
            csv.Append(CultureInfo.InvariantCulture, $"{x1:F4},{x2:F4},{(x1 + x2 > 7.5 ? "yes" : "no")}\n");
        }

        return csv.ToString();
    }
}
