using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Monitoring;

/// <summary>
/// The detector on distributions whose answer is known, over 200 seeded trials each: 10 features, a 5,000-row
/// baseline, 1,000 live rows, and the shipped breast-cancer pipeline's thresholds (PSI 0.2, KS p 0.05, normalized
/// Wasserstein 0.1, drifted share 0.3). Counts, not timings, are asserted.
/// </summary>
public sealed class KnownDistributionTests
{
    private const int Trials = 200;
    private const int Features = 10;

    private static readonly DriftSettings Shipped = new([DriftMethod.Psi, DriftMethod.KolmogorovSmirnov, DriftMethod.Wasserstein],
        PsiThreshold: 0.2, KsPValue: 0.05, WassersteinThreshold: 0.1, DriftedFeatureShare: 0.3, MinWindowRows: 100);

    private static readonly DriftMethod[] Numeric = [DriftMethod.Psi, DriftMethod.KolmogorovSmirnov, DriftMethod.Wasserstein];

    [Fact]
    public void Same_distribution_is_not_flagged_in_at_least_95_percent_of_trials_per_method_and_overall()
    {
        var quiet = Numeric.ToDictionary(m => m, _ => 0);
        var quietVerdicts = 0;
        var ksFeatureRejections = 0;
        for (var trial = 0; trial < Trials; trial++)
        {
            var random = new Random(1000 + trial);
            var report = DriftDetector.Check(Baselines.Of(Baselines.NormalColumns(random, Features, 5000)), Baselines.Window(Baselines.NormalColumns(random, Features, 1000)), Shipped);
            Assert.Equal(DriftVerdict.Stable == report.Verdict, !report.Drifted);
            quietVerdicts += report.Drifted ? 0 : 1;
            foreach (var method in Numeric)
            {
                // The dataset verdict this method alone would give: its drifted share against 0.3.
                var drifted = report.Features.Count(f => f.Tests.Single(t => t.Method == method).Drifted);
                quiet[method] += (double)drifted / Features >= Shipped.DriftedFeatureShare ? 0 : 1;
            }

            ksFeatureRejections += report.Features.Count(f => f.Tests.Single(t => t.Method == DriftMethod.KolmogorovSmirnov).Drifted);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"quiet of {Trials}: verdict {quietVerdicts}, {string.Join(", ", quiet.Select(q => $"{q.Key} {q.Value}"))}; KS rejected {ksFeatureRejections} of {Trials * Features} identical features");
        Assert.True(quietVerdicts >= 0.95 * Trials, $"verdict quiet in {quietVerdicts} of {Trials}");
        foreach (var (method, count) in quiet)
        {
            Assert.True(count >= 0.95 * Trials, $"{method} quiet in {count} of {Trials}");
        }

        // Calibration of the test itself: a p < 0.05 test rejects about 5% of identical features (2,000 here; 8% is 4 sd
        // out). Measured: 74 (3.7%); the asymptotic p-value is slightly conservative at these sizes.
        var rate = (double)ksFeatureRejections / (Trials * Features);
        Assert.True(rate < 0.08, $"KS rejected {rate:P1} of identical features");
    }

    [Fact]
    public void Ks_and_wasserstein_detect_a_half_sd_shift_in_every_trial()
    {
        var (detected, verdicts) = ShiftTrials(0.5);
        Assert.Equal(Trials * Features, detected[DriftMethod.KolmogorovSmirnov]);
        Assert.Equal(Trials * Features, detected[DriftMethod.Wasserstein]);
        Assert.Equal(Trials, verdicts);
    }

    /// <summary>
    /// Honest about PSI: with 10 decile bins a 0.5 sd shift scores about 0.25 on average, close to the 0.2 threshold,
    /// and 1,000-row windows scatter around it: in these 2,000 shifted features, 1,867 (93%) reached 0.2. So a single
    /// feature is caught in about 93% of windows, not always; the dataset verdict (3 of 10 features) is caught always.
    /// </summary>
    [Fact]
    public void Psi_at_0_2_detects_a_half_sd_shift_in_about_95_percent_of_features_and_flags_every_dataset()
    {
        var (detected, verdicts) = ShiftTrials(0.5);
        var rate = (double)detected[DriftMethod.Psi] / (Trials * Features);
        TestContext.Current.TestOutputHelper?.WriteLine($"PSI caught {detected[DriftMethod.Psi]} of {Trials * Features} shifted features; {verdicts} of {Trials} datasets flagged");
        Assert.True(rate >= 0.9, $"PSI caught {rate:P1} of shifted features");
        Assert.Equal(Trials, verdicts);
    }

    [Fact]
    public void A_one_sd_shift_is_caught_by_every_method_in_every_trial()
    {
        var (detected, _) = ShiftTrials(1.0, trials: 50);
        foreach (var method in Numeric)
        {
            Assert.Equal(50 * Features, detected[method]);
        }
    }

    private static (Dictionary<DriftMethod, int> Detected, int Verdicts) ShiftTrials(double shift, int trials = Trials)
    {
        var detected = Numeric.ToDictionary(m => m, _ => 0);
        var verdicts = 0;
        for (var trial = 0; trial < trials; trial++)
        {
            var random = new Random(5000 + trial);
            var report = DriftDetector.Check(Baselines.Of(Baselines.NormalColumns(random, Features, 5000)), Baselines.Window(Baselines.NormalColumns(random, Features, 1000, shift)), Shipped);
            verdicts += report.Drifted ? 1 : 0;
            foreach (var feature in report.Features)
            {
                foreach (var test in feature.Tests)
                {
                    detected[test.Method] += test.Drifted ? 1 : 0;
                }
            }
        }

        return (detected, verdicts);
    }
}
