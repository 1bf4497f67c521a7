using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>The numeric tests of one binned live column against its baseline, and its data-quality signals.</summary>
internal static class NumericDrift
{
    public static FeatureDrift Evaluate(
        string name, LiveHistogram live, IReadOnlyDictionary<int, float[]> crossingValues, double wassersteinScale, DriftSettings settings, bool insufficientWindow)
    {
        var rows = live.Values + live.Missing;
        var quality = new DataQuality(rows, live.Missing, Rate(live.Missing, rows), live.OutOfRange, Rate(live.OutOfRange, live.Values), 0, 0, []);
        var tests = new List<DriftTestResult>(3);
        if (live.Values == 0)
        {
            return new FeatureDrift(name, FeatureKind.Numeric, false, false, tests, quality, "no non-missing values in the window");
        }

        // Statistics are reported even when the window is too small to judge: they are just not called drift.
        var judged = !insufficientWindow && live.Values >= settings.MinWindowRows;
        if (settings.Runs(DriftMethod.Psi))
        {
            var psi = PopulationStabilityIndex.Index(live, settings.PsiBins);
            tests.Add(new DriftTestResult(DriftMethod.Psi, psi, null, settings.PsiThreshold, judged && psi >= settings.PsiThreshold));
        }

        if (settings.Runs(DriftMethod.KolmogorovSmirnov))
        {
            var d = KolmogorovSmirnov.Statistic(live);
            var p = KolmogorovSmirnov.PValue(d, live.Baseline.Count, live.Values);
            tests.Add(new DriftTestResult(DriftMethod.KolmogorovSmirnov, d, p, settings.KsPValue, judged && p < settings.KsPValue));
        }

        if (settings.Runs(DriftMethod.Wasserstein))
        {
            var distance = WassersteinDistance.Distance(live, crossingValues) / wassersteinScale;
            tests.Add(new DriftTestResult(DriftMethod.Wasserstein, distance, null, settings.WassersteinThreshold, judged && distance >= settings.WassersteinThreshold));
        }

        var note = tests.Count == 0 ? "no enabled method applies to a numeric feature"
            : insufficientWindow ? "insufficient data: the window is smaller than the minimum"
            : !judged ? $"insufficient data: {live.Values} non-missing values, fewer than {settings.MinWindowRows}"
            : null;
        var drifted = false;
        foreach (var test in tests)
        {
            drifted |= test.Drifted;
        }

        return new FeatureDrift(name, FeatureKind.Numeric, judged && tests.Count > 0, drifted, tests, quality, note);
    }

    public static double Rate(long part, long whole) => whole == 0 ? 0 : (double)part / whole;
}
