using Workflows.Orchestrations.Monitoring;

namespace Workflows.Orchestrations.Tests.Monitoring;

/// <summary>
/// The detector's binned path (the parallel scan, the crossing pass, the selection in crossing buckets) against the
/// plain definitions on the same data: KS and Wasserstein by merging the two sorted samples, and the quality counts by
/// looking at every value. Windows large enough to be split between threads, with NaN, ties and values outside the
/// baseline, and training bounds that are not floats.
/// </summary>
public sealed class HistogramScanTests
{
    public static TheoryData<int, double, double> Windows => new()
    {
        // rows, shift of the live mean, rounding step (0: none)
        { 150_000, 0, 0 },
        { 150_000, 0.3, 0 },
        { 100_003, 0, 0.25 },
        { 70_001, 1.5, 1 },
        { 999, 0.1, 0 },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void The_binned_statistics_and_counts_equal_the_definitions(int rows, double shift, double step)
    {
        var random = new Random(rows);
        var sortedBaseline = Samples.Sorted(Samples.Normal(random, 5000, step: step));
        var live = Samples.Normal(random, rows, shift, 1.2, step);
        for (var i = 0; i < rows; i += 37)
        {
            live[i] = float.NaN;
        }

        // Bounds between floats, so each comparison's rounding matters.
        var (min, max) = (-1.7 + 1e-9, 1.9 - 1e-9);
        var spec = new ColumnSpec(live, EmpiricalDistribution.FromSorted(sortedBaseline), min, max);
        var histogram = HistogramScan.Run(rows, [spec])[0];
        var crossing = WassersteinDistance.CrossingBuckets(histogram, out var crossings);
        var crossingValues = CrossingScan.Run([spec], [histogram], [crossings > 0 ? crossing : null])[0];

        var present = live.Where(v => !float.IsNaN(v)).ToArray();
        Assert.Equal(rows - present.Length, histogram.Missing);
        Assert.Equal(present.Length, histogram.Values);
        Assert.Equal(present.LongCount(v => v < min || v > max), histogram.OutOfRange);
        // Ties: live values equal to a baseline value, each counted once in the bucket it opens.
        var baselineValues = sortedBaseline.ToHashSet();
        Assert.Equal(present.LongCount(baselineValues.Contains), histogram.Ties.Sum(t => (long)t));

        var sortedLive = Samples.Sorted(present);
        Assert.Equal(KolmogorovSmirnov.Statistic(sortedBaseline, sortedLive), KolmogorovSmirnov.Statistic(histogram), 12);
        var merged = WassersteinDistance.Distance(sortedBaseline, sortedLive);
        var binned = WassersteinDistance.Distance(histogram, crossingValues);
        Assert.True(Math.Abs(binned - merged) <= 1e-10 * Math.Max(1, merged), $"Wasserstein binned {binned:R}, merged {merged:R} ({crossings} crossing buckets)");
        // Continuous and not far apart, the CDFs cross inside buckets. (Rounded, every live value sits on a baseline
        // value, so they cannot; shifted by 1.5 sd, the live CDF stays below.)
        Assert.True(step > 0 || shift > 1 || crossings > 0, "no crossing bucket: the selection path went untested");
    }
}
