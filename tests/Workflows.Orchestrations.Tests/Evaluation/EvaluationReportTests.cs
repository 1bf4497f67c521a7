using System.Text.Json;
using Workflows.Orchestrations.Evaluation;

namespace Workflows.Orchestrations.Tests.Evaluation;

/// <summary>The report as the evaluate stage stores it and the gate reads it.</summary>
public sealed class EvaluationReportTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public void An_undefined_metric_serializes_as_null_and_the_task_and_calibration_target_as_names()
    {
        var report = ClassificationMetrics.Compute([0, 0, 0], [0.9, 0.1, 0.2, 0.8, 0.6, 0.4], ["n", "p"]);

        var json = JsonDocument.Parse(JsonSerializer.Serialize(report, Json)).RootElement;

        Assert.Equal("Classification", json.GetProperty("task").GetString());
        Assert.Equal(3, json.GetProperty("rows").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("metrics").GetProperty("roc_auc").ValueKind);
        Assert.Equal(2 / 3.0, json.GetProperty("metrics").GetProperty("accuracy").GetDouble());
        Assert.Equal("p", json.GetProperty("perClass")[1].GetProperty("label").GetString());
        Assert.Equal(2, json.GetProperty("confusionMatrix")[0][0].GetInt64());
        Assert.Equal("PositiveClass", json.GetProperty("calibration").GetProperty("target").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("calibration").GetProperty("bins")[5].GetProperty("meanConfidence").ValueKind);
    }

    [Fact]
    public void A_report_reads_back_as_it_was_written()
    {
        var report = ClassificationMetrics.Compute([0, 1, 2, 2], [0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.2, 0.2, 0.6, 0.5, 0.4, 0.1], ["a", "b", "c"]);

        var read = JsonSerializer.Deserialize<EvaluationReport>(JsonSerializer.Serialize(report, Json), Json)!;

        Assert.Equal((report.Task, report.Rows), (read.Task, read.Rows));
        Assert.Equal(report.Metrics, read.Metrics);
        Assert.Equal(report.PerClass, read.PerClass);
        Assert.Equal(report.ConfusionMatrix, read.ConfusionMatrix);
        Assert.Equal(report.Calibration!.Bins, read.Calibration!.Bins);
        Assert.Equal(report.Calibration.ExpectedCalibrationError, read.Calibration.ExpectedCalibrationError);
    }

    [Fact]
    public void A_regression_report_leaves_the_classification_parts_out()
    {
        var json = JsonDocument.Parse(JsonSerializer.Serialize(RegressionMetrics.Compute([1, 2], [1.0, 3.0]), Json)).RootElement;

        Assert.Equal("Regression", json.GetProperty("task").GetString());
        Assert.False(json.TryGetProperty("perClass", out _));
        Assert.False(json.TryGetProperty("confusionMatrix", out _));
        Assert.False(json.TryGetProperty("calibration", out _));
    }

    [Fact]
    public void Asking_a_gate_metric_the_task_does_not_have_names_it_and_the_ones_it_has()
    {
        var report = RegressionMetrics.Compute([1, 2], [1.0, 3.0]);

        var error = Assert.Throws<ArgumentException>(() => report.Metric("accuracy"));

        Assert.Contains("unknown regression metric 'accuracy' (expected one of: rmse, mae, mse, r2, mape)", error.Message, StringComparison.Ordinal);
    }
}
