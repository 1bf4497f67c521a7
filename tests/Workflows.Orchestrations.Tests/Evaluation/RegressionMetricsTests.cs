using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Evaluation;

/// <summary>Regression metrics on small cases worked out by hand.</summary>
public sealed class RegressionMetricsTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void One_miss_by_one_in_three_rows()
    {
        var report = RegressionMetrics.Compute([1, 2, 3], [1.0, 2.0, 4.0]);

        Assert.Equal(ModelTask.Regression, report.Task);
        Assert.Equal(3, report.Rows);
        Assert.Equal(1 / 3.0, report.Metric("mse")!.Value, Tolerance);
        Assert.Equal(Math.Sqrt(1 / 3.0), report.Metric("rmse")!.Value, Tolerance);
        Assert.Equal(1 / 3.0, report.Metric("mae")!.Value, Tolerance);
        Assert.Equal(1 - 1 / 2.0, report.Metric("r2")!.Value, Tolerance);
        Assert.Equal(1 / 9.0, report.Metric("mape")!.Value, Tolerance);
        Assert.Null(report.PerClass);
        Assert.Null(report.ConfusionMatrix);
        Assert.Null(report.Calibration);
    }

    [Theory]
    [InlineData(3.0, 1.0)]
    [InlineData(2.0, 0.0)]
    public void A_constant_target_has_r2_one_for_a_perfect_fit_and_zero_otherwise(double lastPrediction, double r2)
    {
        var report = RegressionMetrics.Compute([3, 3, 3], [3, 3, lastPrediction]);

        Assert.Equal(r2, report.Metric("r2"));
    }

    [Fact]
    public void A_zero_target_divides_the_percentage_error_by_machine_epsilon()
    {
        var report = RegressionMetrics.Compute([0, 2], [1.0, 2.0]);

        Assert.Equal(Math.Pow(2, 52) / 2, report.Metric("mape"));
    }

    [Fact]
    public void A_worse_model_has_larger_errors_and_a_negative_r2()
    {
        var report = RegressionMetrics.Compute([1, 2, 3], [3.0, 2.0, 1.0]);

        Assert.Equal(8 / 3.0, report.Metric("mse")!.Value, Tolerance);
        Assert.Equal(1 - 8 / 2.0, report.Metric("r2")!.Value, Tolerance);
    }

    [Fact]
    public void Float32_predictions_give_the_metrics_of_the_same_values_in_float64()
    {
        float[] predictions = [1.1f, 1.9f, 3.3f];

        var single = RegressionMetrics.Compute([1.0, 2.0, 3.0], predictions);
        var widened = RegressionMetrics.Compute([1.0, 2.0, 3.0], [.. predictions.Select(p => (double)p)]);

        Assert.Equal(widened.Metrics, single.Metrics);
    }
}
