using System.Text.Json;
using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Pipelines;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Evaluation;

/// <summary>
/// The platform's metric names are the trainer's: a gate or primary metric that one side knows and the other does not
/// would pass pipeline validation and then find no value after training.
/// </summary>
public sealed class TrainerMetricNamesTests
{
    private const string Names = """
        import json, sys
        sys.path.insert(0, sys.argv[1])
        from workflows_trainer import metrics
        json.dump({"classification": metrics.CLASSIFICATION, "regression": metrics.REGRESSION, "lowerIsBetter": sorted(metrics.LOWER_IS_BETTER)}, sys.stdout)
        """;

    [Fact]
    public async Task Known_metrics_and_their_direction_match_the_trainers_metrics_module()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(1));
        var trainers = Path.Combine(RepositoryPaths.Root, "gpu-worker", "trainers");

        var output = await PythonScript.RunAsync(["numpy"], ["-c", Names, trainers], "", timeout.Token);

        var trainer = JsonSerializer.Deserialize<Dictionary<string, string[]>>(output)!;
        Assert.Equal(trainer["classification"].Order(StringComparer.Ordinal), KnownMetrics.For(ModelTask.Classification).Order(StringComparer.Ordinal));
        Assert.Equal(trainer["regression"].Order(StringComparer.Ordinal), KnownMetrics.For(ModelTask.Regression).Order(StringComparer.Ordinal));
        var lowerIsBetter = KnownMetrics.For(ModelTask.Classification).Concat(KnownMetrics.For(ModelTask.Regression)).Where(KnownMetrics.LowerIsBetter);
        Assert.Equal(trainer["lowerIsBetter"], lowerIsBetter.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_report_holds_exactly_the_known_metrics_of_its_task()
    {
        var classification = ClassificationMetrics.Compute([0, 1], [0.8, 0.2, 0.3, 0.7], ["n", "p"]);
        var regression = RegressionMetrics.Compute([1, 2], [1.0, 3.0]);

        Assert.Equal(KnownMetrics.For(ModelTask.Classification), classification.Metrics.Keys);
        Assert.Equal(KnownMetrics.For(ModelTask.Regression), regression.Metrics.Keys);
    }
}
