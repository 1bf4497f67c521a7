using Workflows.Orchestrations.Evaluation;

namespace Workflows.Orchestrations.Tests.Evaluation;

/// <summary>Calibration bins and expected calibration error, worked out by hand.</summary>
public sealed class CalibrationTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Binary_bins_hold_the_probability_of_class_one_against_the_share_of_class_one()
    {
        double[] positive = [0.05, 0.1, 0.15, 0.95, 1.0];
        var report = ClassificationMetrics.Compute([0, 1, 0, 1, 1], Rows(positive), ["n", "p"]);

        var calibration = report.Calibration!;
        Assert.Equal(CalibrationTarget.PositiveClass, calibration.Target);
        Assert.Equal(Calibration.BinCount, calibration.Bins.Count);
        AssertBin(calibration.Bins[0], 0, 0.1, 2, 0.075, 0.5);
        AssertBin(calibration.Bins[1], 0.1, 0.2, 1, 0.15, 0);
        AssertBin(calibration.Bins[9], 0.9, 1, 2, 0.975, 1);
        Assert.All(calibration.Bins.Skip(2).Take(7), bin => Assert.Equal(new CalibrationBin(bin.Lower, bin.Upper, 0, null, null), bin));
        Assert.Equal(0.4 * 0.425 + 0.2 * 0.15 + 0.4 * 0.025, calibration.ExpectedCalibrationError, Tolerance);
    }

    [Fact]
    public void Multiclass_bins_hold_the_top_label_confidence_against_accuracy()
    {
        // Confidences 0.7 (right), 0.4 (wrong), 0.85 (right), 0.75 (wrong), 0.8 (right).
        var report = ClassificationMetrics.Compute(
            [0, 1, 1, 0, 1],
            [0.7, 0.2, 0.1, 0.25, 0.35, 0.4, 0.1, 0.85, 0.05, 0.2, 0.75, 0.05, 0.1, 0.8, 0.1],
            ["a", "b", "c"]);

        var calibration = report.Calibration!;
        Assert.Equal(CalibrationTarget.TopLabel, calibration.Target);
        AssertBin(calibration.Bins[3], 0.3, 0.4, 1, 0.4, 0);
        AssertBin(calibration.Bins[6], 0.6, 0.7, 1, 0.7, 1);
        AssertBin(calibration.Bins[7], 0.7, 0.8, 2, 0.775, 0.5);
        AssertBin(calibration.Bins[8], 0.8, 0.9, 1, 0.85, 1);
        Assert.Equal(0.2 * 0.3 + 0.2 * 0.4 + 0.4 * 0.275 + 0.2 * 0.15, calibration.ExpectedCalibrationError, Tolerance);
    }

    [Fact]
    public void A_confidence_on_an_edge_belongs_to_the_bin_below_and_zero_to_the_first()
    {
        var report = ClassificationMetrics.Compute([0, 1, 1], Rows([0.0, 0.3, 0.30000000000000004]), ["n", "p"]);

        var bins = report.Calibration!.Bins;
        Assert.Equal(1, bins[0].Count);
        Assert.Equal(1, bins[2].Count);
        Assert.Equal(1, bins[3].Count);
    }

    [Fact]
    public void A_perfectly_calibrated_model_has_no_calibration_error()
    {
        // Half of the rows scored 0.5 are positive, and every row scored 1 is.
        var report = ClassificationMetrics.Compute([0, 1, 1, 1], Rows([0.5, 0.5, 1, 1]), ["n", "p"]);

        Assert.Equal(0, report.Calibration!.ExpectedCalibrationError, Tolerance);
    }

    /// <summary>Binary rows from each row's probability of class 1.</summary>
    private static double[] Rows(double[] positive) => [.. positive.SelectMany(p => new[] { 1 - p, p })];

    private static void AssertBin(CalibrationBin bin, double lower, double upper, long count, double meanConfidence, double observed)
    {
        Assert.Equal((lower, upper, count), (bin.Lower, bin.Upper, bin.Count));
        Assert.Equal(meanConfidence, bin.MeanConfidence!.Value, Tolerance);
        Assert.Equal(observed, bin.ObservedFrequency!.Value, Tolerance);
    }
}
