using System.Text.Json;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Pipelines;

/// <summary>What a valid pipeline file loads into, defaults included.</summary>
public sealed class PipelineLoaderTests
{
    private const string Minimal = """
        name: churn
        dataset:
          task: classification
          target: churned
        """;

    [Fact]
    public void Omitted_values_take_the_documented_defaults()
    {
        var pipeline = PipelineLoader.Load(Minimal, "pipelines/churn.yaml");

        Assert.Equal("pipelines/churn.yaml", pipeline.SourceFile);
        var dataset = pipeline.Dataset;
        Assert.Equal(("churn", DatasetFormat.Csv, false), (dataset.Name, dataset.Format, dataset.RunOnNewVersion));
        Assert.Null(dataset.Features);
        Assert.Null(dataset.Image);
        Assert.Empty(dataset.Ignore);
        Assert.Equal(new SplitDefinition(0.15, 0.15, 42, Stratify: true), pipeline.Split);
        Assert.Equal((10, 0.0, 0.05, 5, 0.1), (pipeline.Validation.MinRows, pipeline.Validation.MaxNullFraction, pipeline.Validation.MaxDuplicateRowFraction, pipeline.Validation.MinRowsPerClass, pipeline.Validation.DriftWarningPsi));
        Assert.Null(pipeline.Validation.LabelClasses);
        Assert.Equal(("mlp", "auto", 4, TimeSpan.FromHours(2), 3), (pipeline.Training.Trainer, pipeline.Training.Device, pipeline.Training.MaxParallelTrials, pipeline.Training.Timeout, pipeline.Training.MaxAttempts));
        Assert.Null(pipeline.Training.Sweep);
        Assert.Equal(("f1_macro", true, 0.0), (pipeline.Evaluation.PrimaryMetric, pipeline.Evaluation.MustBeatProduction, pipeline.Evaluation.MinImprovement));
        Assert.Equal(new DeployDefinition(ApprovalMode.Auto, TimeSpan.FromDays(1), 0, false, TimeSpan.FromMinutes(10)), pipeline.Deploy);
        Assert.Null(pipeline.Monitoring);
        Assert.Null(pipeline.Schedule);
    }

    [Fact]
    public void An_empty_monitoring_section_turns_monitoring_on_with_its_defaults()
    {
        var pipeline = PipelineLoader.Load(Minimal + "\nmonitoring: {}\n", "p.yaml");

        var monitoring = pipeline.Monitoring!;
        Assert.Equal("0 0 * * * *", monitoring.Schedule);
        Assert.Equal([DriftMethod.Psi, DriftMethod.KolmogorovSmirnov], monitoring.Methods);
        Assert.Equal((0.2, 0.05, 0.1, 0.05, 0.3), (monitoring.PsiThreshold, monitoring.KsPValue, monitoring.WassersteinThreshold, monitoring.ChiSquarePValue, monitoring.DriftedFeatureShare));
        Assert.Equal((100, true, TimeSpan.FromHours(1), 1), (monitoring.MinWindowRows, monitoring.RetrainOnDrift, monitoring.Cooldown, monitoring.MaxConcurrentRetrains));
        Assert.Null(monitoring.WebhookUrl);
    }

    [Fact]
    public void Regression_defaults_to_rmse_and_no_stratification()
    {
        var pipeline = PipelineLoader.Load(Minimal.Replace("classification", "regression", StringComparison.Ordinal), "p.yaml");

        Assert.Equal("rmse", pipeline.Evaluation.PrimaryMetric);
        Assert.False(pipeline.Split.Stratify);
    }

    [Fact]
    public void Features_as_a_list_and_as_a_mapping_mean_the_same()
    {
        const string asList = """
            name: p
            dataset:
              task: classification
              target: y
              features:
                - { name: age, type: integer }
                - name: plan
                  type: categorical
              ignore: [id]
            """;
        const string asMap = """
            name: p
            dataset:
              task: classification
              target: y
              features: { age: integer, plan: categorical }
              ignore: [id]
            """;

        var fromList = PipelineLoader.Load(asList, "p.yaml").Dataset;
        var fromMap = PipelineLoader.Load(asMap, "p.yaml").Dataset;

        Assert.Equal([new FeatureDefinition("age", ColumnType.Integer), new FeatureDefinition("plan", ColumnType.Categorical)], fromList.Features!);
        Assert.Equal(fromList.Features!, fromMap.Features!);
        Assert.Equal(["id"], fromMap.Ignore);
    }

    [Fact]
    public void Hyperparameters_keep_their_yaml_types_as_json()
    {
        const string yaml = """
            name: p
            dataset: { task: classification, target: y }
            training:
              hyperparameters:
                epochs: 20
                learningRate: 1e-3
                momentum: 0.9
                shuffle: true
                optimizer: adam
                version: "3"
                hiddenLayers: [64, 32]
                schedule: { kind: cosine, warmup: 2 }
                seed: ~
              sweep:
                dropout: [0.0, 0.5]
            """;

        var training = PipelineLoader.Load(yaml, "p.yaml").Training;

        var json = training.Hyperparameters.ToDictionary(entry => entry.Key, entry => entry.Value.GetRawText());
        Assert.Equal("20", json["epochs"]);
        Assert.Equal(0.001, training.Hyperparameters["learningRate"].GetDouble());
        Assert.Equal("0.9", json["momentum"]);
        Assert.Equal("true", json["shuffle"]);
        Assert.Equal("\"adam\"", json["optimizer"]);
        Assert.Equal("\"3\"", json["version"]);
        Assert.Equal("[64,32]", json["hiddenLayers"]);
        Assert.Equal("""{"kind":"cosine","warmup":2}""", json["schedule"]);
        Assert.Equal(JsonValueKind.Null, training.Hyperparameters["seed"].ValueKind);
        Assert.Equal([0.0, 0.5], training.Sweep!["dropout"].Select(value => value.GetDouble()));
    }

    [Theory]
    [InlineData("00:30:00", 30 * 60)]
    [InlineData("1.02:00:00", 26 * 3600)]
    [InlineData("500ms", 0.5)]
    [InlineData("45s", 45)]
    [InlineData("10m", 600)]
    [InlineData("1.5h", 5400)]
    [InlineData("2d", 2 * 86400)]
    public void Durations_are_timespans_or_a_number_with_a_unit(string text, double seconds)
    {
        var pipeline = PipelineLoader.Load(Minimal + $"\ntraining: {{ timeout: \"{text}\" }}\n", "p.yaml");

        Assert.Equal(TimeSpan.FromSeconds(seconds), pipeline.Training.Timeout);
    }

    [Fact]
    public void Thresholds_as_a_list_and_as_a_mapping_mean_the_same()
    {
        var asList = PipelineLoader.Load(Minimal + "\nevaluation:\n  thresholds:\n    - { metric: accuracy, min: 0.9 }\n    - { metric: log_loss, max: 0.4 }\n", "p.yaml");
        var asMap = PipelineLoader.Load(Minimal + "\nevaluation:\n  thresholds: { accuracy: { min: 0.9 }, log_loss: { max: 0.4 } }\n", "p.yaml");

        Assert.Equal([new MetricThreshold("accuracy", 0.9, null), new MetricThreshold("log_loss", null, 0.4)], asList.Evaluation.Thresholds);
        Assert.Equal(asList.Evaluation.Thresholds, asMap.Evaluation.Thresholds);
    }

    [Fact]
    public void Schedules_are_stored_normalized_and_enumerations_ignore_case()
    {
        const string yaml = """
            name: p
            dataset: { task: Regression, target: y, format: CSV }
            deploy: { approval: Manual, approvalTimeout: 4h }
            monitoring: { schedule: "0  0   */2 * * *", methods: [chiSquare, wasserstein], webhookUrl: "https://hooks.example.com/drift" }
            schedule: "0 0 3 * * sun"
            """;

        var pipeline = PipelineLoader.Load(yaml, "p.yaml");

        Assert.Equal(ModelTask.Regression, pipeline.Dataset.Task);
        Assert.Equal(new DeployDefinition(ApprovalMode.Manual, TimeSpan.FromHours(4), 0, false, TimeSpan.FromMinutes(10)), pipeline.Deploy);
        Assert.Equal("0 0 */2 * * *", pipeline.Monitoring!.Schedule);
        Assert.Equal([DriftMethod.ChiSquare, DriftMethod.Wasserstein], pipeline.Monitoring.Methods);
        Assert.Equal(new Uri("https://hooks.example.com/drift"), pipeline.Monitoring.WebhookUrl);
        Assert.Equal("0 0 3 * * sun", pipeline.Schedule);
    }

    [Fact]
    public void LoadFile_names_the_file_it_read()
    {
        using var folder = new PipelineFolder();
        var path = folder.Write("churn.yml", Minimal);

        Assert.Equal(path, PipelineLoader.LoadFile(path).SourceFile);
    }
}
