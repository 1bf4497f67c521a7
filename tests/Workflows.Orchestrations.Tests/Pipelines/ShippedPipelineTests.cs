using System.Text.Json;
using Workflows.Orchestrations.Pipelines;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Pipelines;

/// <summary>The pipelines and sample data under <c>pipelines/</c> load and agree with each other.</summary>
public sealed class ShippedPipelineTests
{
    private static readonly PipelineCatalog Catalog = PipelineCatalog.Load(RepositoryPaths.Pipelines);

    [Fact]
    public void Every_shipped_pipeline_file_loads()
    {
        var files = Directory.EnumerateFiles(RepositoryPaths.Pipelines, "*.y*ml").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(["breast-cancer.yaml", "diabetes.yaml", "digits.yaml"], files);
        Assert.Equal(["breast-cancer", "diabetes", "digits"], Catalog.Pipelines.Select(pipeline => pipeline.Name));
    }

    [Fact]
    public void Breast_cancer_is_a_tabular_classifier_with_a_sweep_auto_deploy_and_monitoring()
    {
        var pipeline = Catalog.Find("breast-cancer")!;

        Assert.Equal((DatasetFormat.Csv, ModelTask.Classification, "diagnosis"), (pipeline.Dataset.Format, pipeline.Dataset.Task, pipeline.Dataset.Target));
        Assert.True(pipeline.Dataset.RunOnNewVersion);
        Assert.Equal("mlp", pipeline.Training.Trainer);
        Assert.Equal(8, pipeline.Training.Sweep!.Values.Aggregate(1, (trials, values) => trials * values.Count));
        Assert.Equal(JsonValueKind.Array, pipeline.Training.Sweep["hiddenLayers"][1].ValueKind);
        Assert.Contains(new MetricThreshold("f1_macro", 0.93, null), pipeline.Evaluation.Thresholds);
        Assert.Equal(ApprovalMode.Auto, pipeline.Deploy.Approval);
        Assert.Equal("0 */15 * * * *", pipeline.Monitoring!.Schedule);
        Assert.Equal(TimeSpan.FromHours(6), pipeline.Monitoring.Cooldown);
    }

    [Fact]
    public void Digits_is_an_8x8_image_cnn_with_manual_approval()
    {
        var pipeline = Catalog.Find("DIGITS")!;

        Assert.Equal(DatasetFormat.ImageCsv, pipeline.Dataset.Format);
        Assert.Equal(new ImageShape(8, 8, 1), pipeline.Dataset.Image);
        Assert.Equal("cnn", pipeline.Training.Trainer);
        Assert.Equal(ApprovalMode.Manual, pipeline.Deploy.Approval);
        Assert.Equal(TimeSpan.FromDays(2), pipeline.Deploy.ApprovalTimeout);
    }

    [Fact]
    public void Diabetes_is_a_regression_gated_on_a_maximum_rmse()
    {
        var pipeline = Catalog.Find("diabetes")!;

        Assert.Equal(ModelTask.Regression, pipeline.Dataset.Task);
        Assert.Equal("rmse", pipeline.Evaluation.PrimaryMetric);
        Assert.Contains(new MetricThreshold("rmse", null, 65), pipeline.Evaluation.Thresholds);
        Assert.False(pipeline.Split.Stratify);
    }

    [Theory]
    [InlineData("breast-cancer", "breast_cancer.csv", 569)]
    [InlineData("digits", "digits.csv", 1797)]
    [InlineData("diabetes", "diabetes.csv", 442)]
    public void Each_sample_data_file_has_the_columns_and_rows_its_pipeline_expects(string name, string dataFile, int rows)
    {
        var pipeline = Catalog.Find(name)!;
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Pipelines, "data", dataFile));
        var header = lines[0].Split(',');

        Assert.Equal(rows, lines.Length - 1);
        Assert.All(lines, line => Assert.Equal(header.Length, line.Split(',').Length));
        Assert.Equal(pipeline.Dataset.Target, header[^1]);
        Assert.All(pipeline.Validation.RequiredColumns.Concat(pipeline.Validation.Ranges.Keys), column => Assert.Contains(column, header));
        Assert.All(pipeline.Dataset.Features ?? [], feature => Assert.Contains(feature.Name, header));
        if (pipeline.Dataset.Image is { } image)
        {
            Assert.Equal(image.Height * image.Width * image.Channels, header.Length - 1);
        }

        if (pipeline.Validation.LabelClasses is { } classes)
        {
            Assert.Equal(classes.Order(StringComparer.Ordinal), lines.Skip(1).Select(line => line.Split(',')[^1]).Distinct().Order(StringComparer.Ordinal));
        }
    }
}
