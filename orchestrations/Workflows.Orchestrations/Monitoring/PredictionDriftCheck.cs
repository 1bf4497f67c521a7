using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// Drift of the model's outputs: the predicted class mix against the baseline's (chi-square) and the top-class
/// probability or predicted value as a numeric feature (the enabled numeric methods).
/// </summary>
/// <remarks>
/// The class mix is always tested with chi-square, whatever the enabled methods: it is the only test that applies to
/// classes, and output drift does not enter the dataset verdict. The numeric output's baseline has no training range
/// or moments of its own, so they are taken from the baseline's sample.
/// </remarks>
internal static class PredictionDriftCheck
{
    public static PredictionDrift Evaluate(PredictionBaseline baseline, LivePredictions live, DriftSettings settings, bool insufficient)
    {
        DriftTestResult? classTest = null;
        if (baseline.ClassShares is { } shares && live.Classes is { } classes)
        {
            var observed = new long[shares.Count];
            long known = 0;
            foreach (var c in classes)
            {
                if (c >= 0 && c < observed.Length)
                {
                    observed[c]++;
                    known++;
                }
            }

            var shareArray = new double[shares.Count];
            for (var i = 0; i < shareArray.Length; i++)
            {
                shareArray[i] = shares[i];
            }

            var result = ChiSquareTest.GoodnessOfFit(observed, shareArray);
            var judged = !insufficient && known >= settings.MinWindowRows && result.DegreesOfFreedom > 0;
            classTest = new DriftTestResult(DriftMethod.ChiSquare, result.Statistic, result.PValue, settings.ChiSquarePValue,
                judged && result.PValue < settings.ChiSquarePValue, result.DegreesOfFreedom);
        }

        var name = baseline.ClassShares is null ? "prediction" : "confidence";
        var sample = baseline.Sample;
        var (mean, stdDev) = Moments(sample);
        var (min, max) = sample.Length > 0 ? ((double)sample[0], (double)sample[^1]) : (mean, mean);
        var column = new ColumnSpec(live.Values, DriftDetector.Distribution(sample, mean), min, max);
        var histograms = HistogramScan.Run(live.Values.Length, [column]);
        var crossing = DriftDetector.CrossingValues([column], histograms, settings);
        var output = NumericDrift.Evaluate(name, histograms[0], crossing[0], WassersteinDistance.Scale(stdDev, min, max, mean), settings, insufficient);
        if (sample.Length == 0)
        {
            output = output with { Tested = false, Drifted = false, Note = "the baseline has no sample" };
        }

        return new PredictionDrift((classTest?.Drifted ?? false) || output.Drifted, classTest, output);
    }

    private static (double Mean, double StdDev) Moments(float[] sample)
    {
        if (sample.Length == 0)
        {
            return (0, 0);
        }

        var sum = 0.0;
        foreach (var v in sample)
        {
            sum += v;
        }

        var mean = sum / sample.Length;
        var squares = 0.0;
        foreach (var v in sample)
        {
            squares += (v - mean) * (v - mean);
        }

        return (mean, Math.Sqrt(squares / sample.Length));
    }
}
