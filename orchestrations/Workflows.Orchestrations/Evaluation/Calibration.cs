namespace Workflows.Orchestrations.Evaluation;

/// <summary>
/// A reliability diagram in <see cref="BinCount"/> equal-width bins over [0, 1], and its expected calibration error:
/// the row-weighted mean gap between each bin's mean confidence and its observed frequency (0 is perfectly calibrated).
/// </summary>
/// <param name="Target">What the confidence and the observed frequency are.</param>
/// <param name="Bins">The bins from 0 up, empty ones included so the diagram's axis is always the same.</param>
/// <param name="ExpectedCalibrationError">Σ (bin rows / rows) × |observed frequency − mean confidence|.</param>
public sealed record Calibration(CalibrationTarget Target, IReadOnlyList<CalibrationBin> Bins, double ExpectedCalibrationError)
{
    public const int BinCount = 10;

    /// <summary>Bins each row's <paramref name="confidence"/> with whether its <paramref name="outcome"/> happened.</summary>
    internal static Calibration Compute(CalibrationTarget target, ReadOnlySpan<double> confidence, ReadOnlySpan<bool> outcome)
    {
        var counts = new long[BinCount];
        var confidenceSums = new double[BinCount];
        var outcomeCounts = new long[BinCount];
        for (var i = 0; i < confidence.Length; i++)
        {
            var bin = Bin(confidence[i]);
            counts[bin]++;
            confidenceSums[bin] += confidence[i];
            outcomeCounts[bin] += outcome[i] ? 1 : 0;
        }

        var bins = new CalibrationBin[BinCount];
        var error = 0.0;
        for (var bin = 0; bin < BinCount; bin++)
        {
            if (counts[bin] == 0)
            {
                bins[bin] = new CalibrationBin(Edge(bin), Edge(bin + 1), 0, null, null);
                continue;
            }

            var mean = confidenceSums[bin] / counts[bin];
            var observed = (double)outcomeCounts[bin] / counts[bin];
            bins[bin] = new CalibrationBin(Edge(bin), Edge(bin + 1), counts[bin], mean, observed);
            error += (double)counts[bin] / confidence.Length * Math.Abs(observed - mean);
        }

        return new Calibration(target, bins, error);
    }

    /// <summary>
    /// The number of inner edges strictly below <paramref name="value"/>, as numpy.searchsorted(edges[1:-1], value)
    /// counts them in calibration_curve: a confidence of exactly 0.3 belongs to (0.2, 0.3].
    /// </summary>
    private static int Bin(double value)
    {
        var bin = 0;
        while (bin < BinCount - 1 && Edge(bin + 1) < value)
        {
            bin++;
        }

        return bin;
    }

    private static double Edge(int index) => (double)index / BinCount;
}
