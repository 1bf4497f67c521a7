using Workflows.Orchestrations.Evaluation;

namespace Workflows.Orchestrations.Tests.Evaluation;

/// <summary>Classification metrics on small cases worked out by hand.</summary>
public sealed class ClassificationMetricsTests
{
    private const double Tolerance = 1e-12;

    private static readonly string[] Binary = ["negative", "positive"];

    [Fact]
    public void A_perfect_classifier_scores_one_everywhere_and_its_log_loss_is_the_true_classes_likelihood()
    {
        var report = ClassificationMetrics.Compute([0, 1, 1, 0], [0.9, 0.1, 0.2, 0.8, 0.4, 0.6, 0.7, 0.3], Binary);

        foreach (var name in new[] { "accuracy", "balanced_accuracy", "precision_macro", "recall_macro", "f1_macro", "f1_weighted", "roc_auc" })
        {
            Assert.Equal(1, report.Metric(name)!.Value, Tolerance);
        }

        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.8) + Math.Log(0.6) + Math.Log(0.7)) / 4, report.Metric("log_loss")!.Value, Tolerance);
        Assert.Equal([[2L, 0L], [0L, 2L]], report.ConfusionMatrix);
    }

    [Fact]
    public void A_classifier_that_is_always_wrong_scores_zero_and_ranks_every_pair_backwards()
    {
        var report = ClassificationMetrics.Compute([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.2, 0.6, 0.4, 0.3, 0.7], Binary);

        foreach (var name in new[] { "accuracy", "balanced_accuracy", "precision_macro", "recall_macro", "f1_macro", "f1_weighted", "roc_auc" })
        {
            Assert.Equal(0, report.Metric(name)!.Value, Tolerance);
        }

        Assert.Equal([[0L, 2L], [2L, 0L]], report.ConfusionMatrix);
    }

    [Fact]
    public void A_class_never_predicted_has_zero_precision_and_still_counts_in_the_macro_averages()
    {
        // Predicted 0, 1, 1, 1: class c is true twice and never predicted.
        var report = ClassificationMetrics.Compute([0, 1, 2, 2], NeverPredicted(classes: 3), ["a", "b", "c"]);

        AssertNeverPredictedCase(report);
        Assert.Equal([[1L, 0L, 0L], [0L, 1L, 0L], [0L, 2L, 0L]], report.ConfusionMatrix);
    }

    [Fact]
    public void A_class_neither_true_nor_predicted_is_left_out_of_the_macro_averages_but_keeps_its_row()
    {
        var report = ClassificationMetrics.Compute([0, 1, 2, 2], NeverPredicted(classes: 4), ["a", "b", "c", "d"]);

        AssertNeverPredictedCase(report);
        Assert.Equal(new ClassMetrics("d", 0, 0, 0, 0), report.PerClass![3]);
    }

    [Fact]
    public void Balanced_accuracy_averages_the_true_classes_only_while_macro_averages_include_a_predicted_only_class()
    {
        // Truth 0, 1, 0, 1; predicted 0, 2, 0, 1: class 2 is predicted once and never true.
        var report = ClassificationMetrics.Compute([0, 1, 0, 1], OneHot([0, 2, 0, 1], 3), ["a", "b", "c"]);

        Assert.Equal((1 + 0.5) / 2, report.Metric("balanced_accuracy")!.Value, Tolerance);
        Assert.Equal((1 + 0.5 + 0) / 3, report.Metric("recall_macro")!.Value, Tolerance);
        Assert.Equal((1 + 1 + 0) / 3.0, report.Metric("precision_macro")!.Value, Tolerance);
    }

    [Fact]
    public void Tied_probabilities_predict_the_first_class_as_argmax_does()
    {
        var report = ClassificationMetrics.Compute([1, 0], [0.5, 0.5, 0.5, 0.5], Binary);

        Assert.Equal([[1L, 0L], [1L, 0L]], report.ConfusionMatrix);
        Assert.Equal(0.5, report.Metric("accuracy")!.Value, Tolerance);
    }

    [Fact]
    public void Tied_scores_count_half_a_correct_ordering_in_the_roc_auc()
    {
        // Positives score 0.5 and 0.9, negatives 0.1 and 0.5: three pairs in order, one tie, so (3 + 0.5) / 4.
        var report = ClassificationMetrics.Compute([0, 0, 1, 1], [0.9, 0.1, 0.5, 0.5, 0.5, 0.5, 0.1, 0.9], Binary);

        Assert.Equal(0.875, report.Metric("roc_auc")!.Value, Tolerance);
    }

    [Fact]
    public void Multiclass_roc_auc_averages_one_vs_rest_over_the_classes_with_positives_and_negatives()
    {
        // Class 2 is never true, so its AUC is undefined and left out; classes 0 and 1 each order 3 of 4 pairs.
        var report = ClassificationMetrics.Compute([0, 0, 1, 1], [0.6, 0.3, 0.1, 0.3, 0.5, 0.2, 0.5, 0.4, 0.1, 0.2, 0.7, 0.1], ["a", "b", "c"]);

        Assert.Equal(0.75, report.Metric("roc_auc")!.Value, Tolerance);
    }

    [Fact]
    public void Roc_auc_is_null_when_the_truth_holds_one_class()
    {
        var report = ClassificationMetrics.Compute([0, 0, 0], [0.9, 0.1, 0.2, 0.8, 0.6, 0.4], Binary);

        Assert.True(report.Metrics.ContainsKey("roc_auc"));
        Assert.Null(report.Metric("roc_auc"));
    }

    [Fact]
    public void A_confident_mistake_costs_minus_log_epsilon_not_infinity()
    {
        var report = ClassificationMetrics.Compute([1, 0], [1.0, 0.0, 1.0, 0.0], Binary);

        Assert.Equal(-Math.Log(ClassificationMetrics.LogLossEpsilon) / 2, report.Metric("log_loss")!.Value, 1e-9);
    }

    [Fact]
    public void Float32_probabilities_as_an_onnx_model_outputs_them_give_the_metrics_of_the_same_values_in_float64()
    {
        float[] probabilities = [0.7f, 0.2f, 0.1f, 0.3f, 0.3f, 0.4f, 0.05f, 0.9f, 0.05f, 0.6f, 0.3f, 0.1f];
        long[] truth = [0, 1, 1, 2];

        var single = ClassificationMetrics.Compute(truth, probabilities, ["a", "b", "c"]);
        var widened = ClassificationMetrics.Compute(truth, [.. probabilities.Select(p => (double)p)], ["a", "b", "c"]);

        Assert.Equal(widened.Metrics, single.Metrics);
        Assert.Equal(widened.Calibration!.Bins, single.Calibration!.Bins);
    }

    /// <summary>Predictions 0, 1, 1, 1 for truth 0, 1, 2, 2 with <paramref name="classes"/> classes.</summary>
    private static double[] NeverPredicted(int classes) => OneHot([0, 1, 1, 1], classes);

    private static void AssertNeverPredictedCase(EvaluationReport report)
    {
        Assert.Equal(0.5, report.Metric("accuracy")!.Value, Tolerance);
        Assert.Equal(2 / 3.0, report.Metric("balanced_accuracy")!.Value, Tolerance);
        Assert.Equal((1 + 1 / 3.0 + 0) / 3, report.Metric("precision_macro")!.Value, Tolerance);
        Assert.Equal(2 / 3.0, report.Metric("recall_macro")!.Value, Tolerance);
        Assert.Equal((1 + 0.5 + 0) / 3, report.Metric("f1_macro")!.Value, Tolerance);
        Assert.Equal((1 + 0.5 + 0 * 2) / 4, report.Metric("f1_weighted")!.Value, Tolerance);
        Assert.Equal(new ClassMetrics("c", 0, 0, 0, 2), report.PerClass![2]);
        Assert.Equal("b", report.PerClass[1].Label);
        Assert.Equal(1 / 3.0, report.PerClass[1].Precision, Tolerance);
        Assert.Equal(0.5, report.PerClass[1].F1, Tolerance);
    }

    /// <summary>Probability 0.7 on each row's predicted class and the rest shared evenly.</summary>
    private static double[] OneHot(int[] predicted, int classes)
    {
        var probabilities = new double[predicted.Length * classes];
        for (var row = 0; row < predicted.Length; row++)
        {
            for (var c = 0; c < classes; c++)
            {
                probabilities[row * classes + c] = c == predicted[row] ? 0.7 : 0.3 / (classes - 1);
            }
        }

        return probabilities;
    }
}
