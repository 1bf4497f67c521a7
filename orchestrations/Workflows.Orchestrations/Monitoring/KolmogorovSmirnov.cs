namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// The two-sample Kolmogorov-Smirnov test: D, the largest gap between the two empirical CDFs, and its p-value as
/// SciPy's <c>scipy.stats.ks_2samp(a, b, method="asymp")</c> computes it.
/// </summary>
/// <remarks>
/// Ties are handled as SciPy does: both CDFs are evaluated after all values equal to a point are counted (right
/// continuous), so equal values in the two samples never open a gap. The p-value is the two-sided one-sample
/// Kolmogorov distribution at the effective sample size en = n1 n2 / (n1 + n2), rounded to an integer (half to even, as
/// NumPy rounds): <see cref="KolmogorovDistribution"/>. The test is sensitive to any difference in shape or location,
/// and with a large window it rejects tiny, harmless shifts: pair it with an effect size (PSI, Wasserstein).
/// </remarks>
public static class KolmogorovSmirnov
{
    /// <summary>D and its p-value for two sorted samples without NaN.</summary>
    public static (double Statistic, double PValue) Test(ReadOnlySpan<float> sortedA, ReadOnlySpan<float> sortedB)
    {
        var d = Statistic(sortedA, sortedB);
        return (d, PValue(d, sortedA.Length, sortedB.Length));
    }

    /// <summary>D for two sorted samples without NaN: one merge, evaluating both CDFs after each distinct value.</summary>
    public static double Statistic(ReadOnlySpan<float> sortedA, ReadOnlySpan<float> sortedB)
    {
        if (sortedA.IsEmpty || sortedB.IsEmpty)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        int i = 0, j = 0;
        var d = 0.0;
        while (i < sortedA.Length || j < sortedB.Length)
        {
            var value = j == sortedB.Length || (i < sortedA.Length && sortedA[i] <= sortedB[j]) ? sortedA[i] : sortedB[j];
            while (i < sortedA.Length && sortedA[i] == value)
            {
                i++;
            }

            while (j < sortedB.Length && sortedB[j] == value)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs((double)i / sortedA.Length - (double)j / sortedB.Length));
        }

        return d;
    }

    /// <summary>The two-sided asymptotic p-value of D for samples of <paramref name="n1"/> and <paramref name="n2"/> values.</summary>
    public static double PValue(double statistic, long n1, long n2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n1, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n2, 1);
        var (m, n) = ((double)Math.Max(n1, n2), (double)Math.Min(n1, n2));
        var effective = Math.Round(m * n / (m + n), MidpointRounding.ToEven);
        return KolmogorovDistribution.Survival((int)Math.Max(1, effective), statistic);
    }

    /// <summary>D between a baseline and a live column binned on it (<see cref="LiveHistogram"/>): exact, no sort.</summary>
    /// <remarks>
    /// Between two consecutive baseline values the baseline CDF is flat and the live CDF only rises, so the largest
    /// gap over the live values in a bucket is at its last live value, and over the baseline values at each value
    /// itself (live values equal to it included). Those are the only points the merge above would look at.
    /// </remarks>
    internal static double Statistic(LiveHistogram live)
    {
        var baseline = live.Baseline;
        double n1 = baseline.Count, n2 = live.Values;
        var d = 0.0;
        long below = 0;
        for (var b = 0; b < live.Counts.Length; b++)
        {
            below += live.Counts[b];
            var flat = b == 0 ? 0 : baseline.AtOrBelow[b - 1] / n1;
            d = Math.Max(d, Math.Abs(flat - below / n2));
            if (b < baseline.Values.Length)
            {
                // At the baseline value b: live values below it plus those equal to it (the ties of bucket b + 1).
                d = Math.Max(d, Math.Abs(baseline.AtOrBelow[b] / n1 - (below + live.Ties[b + 1]) / n2));
            }
        }

        return d;
    }
}
