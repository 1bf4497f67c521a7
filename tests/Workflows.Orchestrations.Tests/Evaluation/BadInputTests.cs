using Workflows.Orchestrations.Evaluation;

namespace Workflows.Orchestrations.Tests.Evaluation;

/// <summary>Bad predictions fail up front, naming the argument and what is wrong with it, rather than giving NaN metrics.</summary>
public sealed class BadInputTests
{
    private static readonly string[] Labels = ["a", "b", "c"];

    [Fact]
    public void No_rows_is_refused()
    {
        AssertRefused("truth", "no rows", () => ClassificationMetrics.Compute([], Array.Empty<double>(), Labels));
        AssertRefused("truth", "no rows", () => RegressionMetrics.Compute([], Array.Empty<double>()));
    }

    [Fact]
    public void No_class_labels_is_refused() =>
        AssertRefused("classLabels", "no class labels", () => ClassificationMetrics.Compute([0], [1.0], []));

    [Fact]
    public void Probabilities_that_are_not_rows_by_classes_are_refused() =>
        AssertRefused("probabilities", "not rows × classes = 2 × 3 = 6", () => ClassificationMetrics.Compute([0, 1], [0.2, 0.3, 0.5, 0.1, 0.9], Labels));

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void A_label_outside_the_classes_is_refused_with_its_row(long label) =>
        AssertRefused("truth", $"truth[1] is {label}, not a class index in [0, 3)", () => ClassificationMetrics.Compute([0, label], [0.2, 0.3, 0.5, 0.1, 0.1, 0.8], Labels));

    [Fact]
    public void A_nan_probability_is_refused_with_its_row_and_class() =>
        AssertRefused("probabilities", "probabilities[row 1, class 2] is NaN", () => ClassificationMetrics.Compute([0, 1], [0.2, 0.3, 0.5, 0.1, 0.9, double.NaN], Labels));

    [Fact]
    public void Regression_lengths_that_differ_are_refused() =>
        AssertRefused("predictions", "2 values for 3 rows", () => RegressionMetrics.Compute([1, 2, 3], [1.0, 2.0]));

    [Fact]
    public void A_nan_prediction_or_an_infinite_target_is_refused_with_its_row()
    {
        AssertRefused("predictions", "predictions[1] is NaN", () => RegressionMetrics.Compute([1, 2, 3], [1, double.NaN, 3]));
        AssertRefused("truth", "truth[0] is Infinity", () => RegressionMetrics.Compute([double.PositiveInfinity, 2], [1.0, 2.0]));
    }

    private static void AssertRefused(string parameter, string phrase, Func<EvaluationReport> compute)
    {
        var error = Assert.Throws<ArgumentException>(() => compute());
        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(phrase, error.Message, StringComparison.Ordinal);
    }
}
