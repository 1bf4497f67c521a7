using System.Text.Json;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Monitoring;

/// <summary>Small windows, constant columns, data quality, categoricals and prediction drift.</summary>
public sealed class DriftDetectorTests
{
    private static readonly DriftSettings All = new([DriftMethod.Psi, DriftMethod.KolmogorovSmirnov, DriftMethod.Wasserstein, DriftMethod.ChiSquare]);

    [Fact]
    public void A_window_below_the_minimum_is_insufficient_data_and_nothing_is_drifted_though_statistics_are_reported()
    {
        var random = new Random(1);
        var baseline = Baselines.Of(Baselines.NormalColumns(random, 3, 5000));
        var report = DriftDetector.Check(baseline, Baselines.Window(Baselines.NormalColumns(random, 3, 50, mean: 3)), All);

        Assert.Equal(DriftVerdict.InsufficientData, report.Verdict);
        Assert.False(report.Drifted);
        Assert.Equal(0, report.TestedFeatures);
        Assert.Equal(0, report.DriftedFeatures);
        Assert.Equal(new DriftWindow(50, 100, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1)), report.Window);
        Assert.All(report.Features, f =>
        {
            Assert.False(f.Drifted);
            Assert.All(f.Tests, t => Assert.False(t.Drifted));
            Assert.StartsWith("insufficient data", f.Note, StringComparison.Ordinal);
            Assert.True(f.Tests.Single(t => t.Method == DriftMethod.KolmogorovSmirnov).Statistic > 0.8);
        });
    }

    [Fact]
    public void A_feature_with_too_few_non_missing_values_is_not_tested()
    {
        var random = new Random(2);
        var live = Baselines.NormalColumns(random, 2, 500);
        for (var r = 0; r < 450; r++)
        {
            live[1][r] = float.NaN;
        }

        var report = DriftDetector.Check(Baselines.Of(Baselines.NormalColumns(random, 2, 5000)), Baselines.Window(live), All);

        Assert.True(report.Features[0].Tested);
        Assert.False(report.Features[1].Tested);
        Assert.Contains("50 non-missing values", report.Features[1].Note, StringComparison.Ordinal);
        Assert.Equal(1, report.TestedFeatures);
    }

    [Theory]
    [InlineData(3f, false)]
    [InlineData(4f, true)]
    public void A_constant_baseline_column_gives_finite_statistics_and_drifts_only_when_the_live_value_moves(float liveValue, bool drifted)
    {
        var baseline = Baselines.Of([Enumerable.Repeat(3f, 5000).ToArray()]);
        var report = DriftDetector.Check(baseline, Baselines.Window([Enumerable.Repeat(liveValue, 1000).ToArray()]), All);

        var feature = Assert.Single(report.Features);
        Assert.All(feature.Tests, t => Assert.True(double.IsFinite(t.Statistic) && (t.PValue is null || double.IsFinite(t.PValue.Value)), $"{t.Method}: {t.Statistic} {t.PValue}"));
        Assert.All(feature.Tests, t => Assert.Equal(drifted, t.Drifted));
        Assert.Equal(drifted, report.Drifted);
        if (drifted)
        {
            // No spread and no range: the distance is taken relative to the constant's magnitude, |3| -> 1/3.
            Assert.Equal(1.0 / 3, feature.Tests.Single(t => t.Method == DriftMethod.Wasserstein).Statistic, 12);
            Assert.Equal(1.0, feature.Quality.OutOfRangeRate);
        }
        else
        {
            Assert.All(feature.Tests, t => Assert.Equal(0, t.Statistic));
        }

        // The report serializes as JSON (no NaN or infinity anywhere).
        Assert.Contains("\"verdict\"", JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_spread_live_column_against_a_constant_baseline_drifts_without_nan()
    {
        var random = new Random(3);
        var report = DriftDetector.Check(Baselines.Of([Enumerable.Repeat(0f, 5000).ToArray()]), Baselines.Window([Samples.Normal(random, 1000)]), All);
        var feature = Assert.Single(report.Features);
        Assert.All(feature.Tests, t => Assert.True(double.IsFinite(t.Statistic) && t.Drifted));
    }

    [Fact]
    public void Missing_and_out_of_range_rates_are_counted()
    {
        var random = new Random(4);
        var baselineColumn = Samples.Normal(random, 5000);
        var live = Samples.Normal(random, 1000);
        for (var r = 0; r < 100; r++)
        {
            live[r] = float.NaN;
        }

        for (var r = 100; r < 145; r++)
        {
            live[r] = 50f;
        }

        live[145] = -50f;
        var report = DriftDetector.Check(Baselines.Of([baselineColumn]), Baselines.Window([live]), All);

        var quality = report.Features[0].Quality;
        Assert.Equal(1000, quality.Rows);
        Assert.Equal(100, quality.Missing);
        Assert.Equal(0.1, quality.MissingRate, 12);
        // Normal draws beyond the training range are possible but rare; the 46 planted ones are all counted.
        Assert.InRange(quality.OutOfRange, 46, 50);
        Assert.Equal(quality.OutOfRange / 900.0, quality.OutOfRangeRate, 12);
    }

    [Fact]
    public void Chi_square_flags_a_categorical_shift_and_unseen_categories_are_counted_apart()
    {
        var categorical = new CategoricalBaseline("colour", ["red", "green", "blue", "violet"], [0.5, 0.3, 0.198, 0.002]);
        var random = new Random(5);
        var baseline = Baselines.Of(Baselines.NormalColumns(random, 1, 5000), categoricals: [categorical]);
        var same = Draw(random, 1000, ("red", 0.5), ("green", 0.3), ("blue", 0.2));
        var shifted = Draw(random, 1000, ("red", 0.3), ("green", 0.3), ("blue", 0.35), ("teal", 0.04), (null, 0.01));

        var stable = DriftDetector.Check(baseline, Baselines.Window(Baselines.NormalColumns(random, 1, 1000), [LiveCategoricalColumn.FromValues("colour", same)]), All);
        var moved = DriftDetector.Check(baseline, Baselines.Window(Baselines.NormalColumns(random, 1, 1000), [LiveCategoricalColumn.FromValues("colour", shifted)]), All);

        var quiet = stable.Features.Single(f => f.Kind == FeatureKind.Categorical);
        Assert.True(quiet.Tested);
        Assert.False(quiet.Drifted);
        var test = Assert.Single(quiet.Tests);
        // violet is expected twice in 1,000 rows: pooled with the smallest bin, so three bins and two degrees of freedom.
        Assert.Equal(2, test.DegreesOfFreedom);
        var drift = moved.Features.Single(f => f.Kind == FeatureKind.Categorical);
        Assert.True(drift.Drifted);
        Assert.True(drift.Tests[0].PValue < 1e-10);
        Assert.Equal(shifted.Count(v => v == "teal"), drift.Quality.UnseenRows);
        Assert.Equal(["teal"], drift.Quality.UnseenCategories);
        Assert.Equal(shifted.Count(v => v is null), drift.Quality.Missing);
    }

    [Fact]
    public void Rare_expected_categories_are_pooled_before_the_test()
    {
        var (observed, expected) = ChiSquareTest.Pool([50, 30, 10, 3, 2, 5], [0.5, 0.3, 0.1, 0.04, 0.03, 0.03]);
        // 100 rows: the last three are expected 4, 3 and 3, pooled into one bin expected 10.
        Assert.Equal([50, 30, 10, 10], observed);
        Assert.Equal([50, 30, 10, 10], expected.Select(e => Math.Round(e, 9)));
        Assert.Equal(3, ChiSquareTest.GoodnessOfFit([50, 30, 10, 3, 2, 5], [0.5, 0.3, 0.1, 0.04, 0.03, 0.03]).DegreesOfFreedom);
    }

    [Fact]
    public void Psi_bins_follow_the_baseline_deciles_and_collapse_ties()
    {
        float[] baseline = [.. Enumerable.Range(1, 100).Select(i => (float)i)];
        var distribution = EmpiricalDistribution.FromSorted(baseline);
        Assert.Equal([9, 19, 29, 39, 49, 59, 69, 79, 89, 99], PopulationStabilityIndex.Cuts(distribution, 10));
        Assert.Equal(0, PopulationStabilityIndex.Index(baseline, baseline), 12);
        // Half of the live values above the baseline's largest: that bin is 1e-4 in the baseline.
        float[] live = [.. baseline.Take(50), .. Enumerable.Repeat(500f, 50)];
        long[] expected = [0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 0];
        long[] actual = [0, 10, 10, 10, 10, 10, 0, 0, 0, 0, 0, 50];
        Assert.Equal(PopulationStabilityIndex.Index(expected, actual), PopulationStabilityIndex.Index(baseline, live), 12);

        float[] binary = [.. Enumerable.Repeat(0f, 70), .. Enumerable.Repeat(1f, 30)];
        Assert.Equal([0, 1], PopulationStabilityIndex.Cuts(EmpiricalDistribution.FromSorted(binary), 10));
    }

    [Fact]
    public void Prediction_drift_tests_the_class_mix_and_the_confidence()
    {
        var random = new Random(6);
        var predictions = new PredictionBaseline([0.6, 0.4], Samples.Sorted([.. Samples.Normal(random, 5000, 0.8, 0.05)]));
        var baseline = Baselines.Of(Baselines.NormalColumns(random, 1, 5000), predictions);
        int[] classes = [.. Enumerable.Range(0, 1000).Select(i => i % 10 < 4 ? 0 : 1)];
        var live = new LivePredictions(classes, Samples.Normal(random, 1000, 0.7, 0.05));

        var report = DriftDetector.Check(baseline, Baselines.Window(Baselines.NormalColumns(random, 1, 1000), predictions: live), All);

        var drift = report.Predictions!;
        Assert.True(drift.Drifted);
        Assert.True(drift.ClassShares!.Drifted);
        Assert.Equal("confidence", drift.Output.Name);
        Assert.All(drift.Output.Tests, t => Assert.True(t.Drifted, t.Method.ToString()));
        Assert.False(report.Drifted);
    }

    [Fact]
    public void Regression_predictions_are_tested_as_a_numeric_output()
    {
        var random = new Random(7);
        var baseline = Baselines.Of(Baselines.NormalColumns(random, 1, 5000), new PredictionBaseline(null, Samples.Sorted(Samples.Normal(random, 5000, 100, 10))));
        var same = DriftDetector.Check(baseline, Baselines.Window(Baselines.NormalColumns(random, 1, 1000), predictions: LivePredictions.FromValues(Samples.Normal(random, 1000, 100, 10))), All);
        var moved = DriftDetector.Check(baseline, Baselines.Window(Baselines.NormalColumns(random, 1, 1000), predictions: LivePredictions.FromValues(Samples.Normal(random, 1000, 110, 10))), All);

        Assert.Null(same.Predictions!.ClassShares);
        Assert.Equal("prediction", same.Predictions.Output.Name);
        Assert.False(same.Predictions.Drifted);
        Assert.True(moved.Predictions!.Drifted);
    }

    [Fact]
    public void Settings_come_from_a_pipeline_monitoring_section()
    {
        var monitoring = new MonitoringDefinition("0 0 * * * *", [DriftMethod.KolmogorovSmirnov], 0.2, 0.01, 0.1, 0.05, 0.5, 10, true, TimeSpan.FromHours(1), 1, null);
        var random = new Random(8);
        var report = DriftDetector.Check(Baselines.Of(Baselines.NormalColumns(random, 2, 1000)), Baselines.Window(Baselines.NormalColumns(random, 2, 20, mean: 2)), monitoring);

        Assert.Equal(DriftVerdict.Drifted, report.Verdict);
        Assert.Equal([DriftMethod.KolmogorovSmirnov], report.Methods);
        Assert.All(report.Features, f => Assert.Equal(0.01, Assert.Single(f.Tests).Threshold));
    }

    [Fact]
    public void A_window_of_the_wrong_shape_is_refused()
    {
        var random = new Random(9);
        var baseline = Baselines.Of(Baselines.NormalColumns(random, 3, 100));
        var missingColumn = new LiveWindow(10, [new float[10], new float[10]], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        var shortColumn = new LiveWindow(10, [new float[10], new float[9], new float[10]], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        Assert.Contains("2 feature columns", Assert.Throws<ArgumentException>(() => DriftDetector.Check(baseline, missingColumn, All)).Message, StringComparison.Ordinal);
        Assert.Contains("column 1 (f1) has 9 values", Assert.Throws<ArgumentException>(() => DriftDetector.Check(baseline, shortColumn, All)).Message, StringComparison.Ordinal);
    }

    private static string?[] Draw(Random random, int rows, params (string? Category, double Share)[] mix)
    {
        var values = new string?[rows];
        for (var r = 0; r < rows; r++)
        {
            var u = random.NextDouble();
            var i = 0;
            while (i < mix.Length - 1 && u >= mix[i].Share)
            {
                u -= mix[i].Share;
                i++;
            }

            values[r] = mix[i].Category;
        }

        return values;
    }
}
