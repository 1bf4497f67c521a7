namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// The population stability index: sum over bins of (live share - baseline share) * ln(live share / baseline share),
/// with bins cut at the baseline's quantiles. Rule of thumb: below 0.1 stable, 0.1 to 0.2 moderate, 0.2 and above a
/// significant shift (the default threshold).
/// </summary>
/// <remarks>
/// Bins: the cut points are the baseline's nearest-rank quantiles at 1/B .. (B-1)/B and its largest value, all of them
/// baseline values; bins are (previous cut, cut], the first starting at the smallest baseline value. Tied quantiles
/// (a column with few distinct values) collapse into one cut, so such a column gets fewer, uneven bins, and a
/// constant column gets one bin holding its value. Two more bins, below the smallest and above the largest baseline
/// value, catch live values the baseline sample never reached: the baseline has nothing there, so a constant column
/// whose live values move is caught, and a live window inside the baseline's range pays nothing for them.
/// Empty bins: a share of 0 makes ln infinite, so every share is floored at <see cref="Epsilon"/> (1e-4, one row in
/// 10,000) before the sum; a bin empty on both sides then adds exactly 0, and a bin holding a live share q that the
/// baseline never saw adds (q - 1e-4) ln(q / 1e-4), large but finite.
/// PSI grows with the number of bins and has a small-sample bias (about (bins - 1) (1/n_live + 1/n_baseline) for
/// identical distributions), so compare PSIs computed with the same bins and similar window sizes.
/// </remarks>
public static class PopulationStabilityIndex
{
    /// <summary>The floor on every bin share.</summary>
    public const double Epsilon = 1e-4;

    /// <summary>The default number of quantile bins.</summary>
    public const int DefaultBins = 10;

    /// <summary>PSI from two sets of bin counts over the same bins (the shares are the counts over their totals).</summary>
    public static double Index(ReadOnlySpan<long> baselineCounts, ReadOnlySpan<long> liveCounts)
    {
        if (baselineCounts.Length != liveCounts.Length)
        {
            throw new ArgumentException("Both sides need the same bins.");
        }

        double baselineTotal = 0, liveTotal = 0;
        for (var i = 0; i < baselineCounts.Length; i++)
        {
            baselineTotal += baselineCounts[i];
            liveTotal += liveCounts[i];
        }

        if (baselineTotal == 0 || liveTotal == 0)
        {
            return 0;
        }

        var psi = 0.0;
        for (var i = 0; i < baselineCounts.Length; i++)
        {
            var p = Math.Max(baselineCounts[i] / baselineTotal, Epsilon);
            var q = Math.Max(liveCounts[i] / liveTotal, Epsilon);
            psi += (q - p) * Math.Log(q / p);
        }

        return psi;
    }

    /// <summary>PSI of a live sample (any order, NaN ignored) against a sorted baseline sample, with <paramref name="bins"/> quantile bins.</summary>
    public static double Index(ReadOnlySpan<float> sortedBaseline, ReadOnlySpan<float> live, int bins = DefaultBins)
    {
        // Binned by the drift check's own scan, so this and a check can never count a value differently.
        var column = new ColumnSpec(live.ToArray(), EmpiricalDistribution.FromSorted(sortedBaseline), double.NegativeInfinity, double.PositiveInfinity);
        return Index(HistogramScan.Run(live.Length, [column])[0], bins);
    }

    /// <summary>The cut points, as indexes into the baseline's distinct values, ascending and distinct.</summary>
    internal static int[] Cuts(EmpiricalDistribution baseline, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var cuts = new List<int>(bins);
        for (var i = 1; i <= bins; i++)
        {
            // The nearest-rank quantile i/B: the smallest value with at least ceil(i n / B) sample values at or below it.
            var rank = (int)Math.Ceiling((double)i * baseline.Count / bins);
            var index = Array.BinarySearch(baseline.AtOrBelow, Math.Max(rank, 1));
            index = index >= 0 ? index : ~index;
            if (cuts.Count == 0 || cuts[^1] != index)
            {
                cuts.Add(index);
            }
        }

        return [.. cuts];
    }

    /// <summary>PSI of a binned live column (<see cref="LiveHistogram"/>) on the baseline's quantile bins.</summary>
    internal static double Index(LiveHistogram live, int bins)
    {
        var baseline = live.Baseline;
        var cuts = Cuts(baseline, bins);
        var expected = new long[cuts.Length + 2];
        var actual = new long[cuts.Length + 2];
        // Bin 0: below the smallest baseline value (bucket 0); the baseline has nothing there.
        actual[0] = live.Counts[0];
        long liveBelow = live.Counts[0];
        var bucket = 1;
        long previousLive = actual[0];
        var previousBaseline = 0;
        for (var c = 0; c < cuts.Length; c++)
        {
            // Live values at or below baseline value k: buckets 0..k plus the ties at k (in bucket k + 1).
            var k = cuts[c];
            for (; bucket <= k; bucket++)
            {
                liveBelow += live.Counts[bucket];
            }

            var liveAtOrBelow = liveBelow + live.Ties[k + 1];
            actual[c + 1] = liveAtOrBelow - previousLive;
            expected[c + 1] = baseline.AtOrBelow[k] - previousBaseline;
            previousLive = liveAtOrBelow;
            previousBaseline = baseline.AtOrBelow[k];
        }

        // Last bin: above the largest baseline value.
        actual[^1] = live.Values - previousLive;
        return Index(expected, actual);
    }
}
