namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// One live column dropped into the buckets of its <see cref="EmpiricalDistribution"/>: per bucket, how many values,
/// how many of them equal the bucket's lower edge, and the sum of their distances above that edge; plus the
/// data-quality counts. Enough for KS and PSI exactly, and for Wasserstein in every bucket where the two CDFs do not
/// cross (<see cref="WassersteinDistance"/>).
/// </summary>
internal sealed class LiveHistogram
{
    public LiveHistogram(EmpiricalDistribution baseline)
    {
        Baseline = baseline;
        Counts = new int[baseline.Buckets];
        Ties = new int[baseline.Buckets];
        Offsets = new double[baseline.Buckets];
        Anchors = AnchorsOf(baseline);
    }

    /// <summary>
    /// Per bucket, the value its offsets are measured from: its lower edge, or the smallest baseline value for bucket 0.
    /// </summary>
    /// <remarks>
    /// Sums are kept relative to a value inside or at the edge of each bucket, not as raw sums: a bucket's sum of
    /// (edge - value) is then not the small difference of two large numbers when the values are large and close.
    /// </remarks>
    public static float[] AnchorsOf(EmpiricalDistribution baseline) => [baseline.Values[0], .. baseline.Values];

    /// <summary>The baseline step function the buckets come from.</summary>
    public EmpiricalDistribution Baseline { get; }

    /// <summary>Live values per bucket.</summary>
    public int[] Counts { get; }

    /// <summary>Per bucket, the live values equal to its lower edge (a baseline value): ties between the samples.</summary>
    public int[] Ties { get; }

    /// <summary>Per bucket, the sum of (value - anchor): the anchor is the lower edge, or the smallest baseline value for bucket 0.</summary>
    public double[] Offsets { get; }

    /// <summary>Per bucket, the value the offsets are measured from.</summary>
    public float[] Anchors { get; }

    /// <summary>Live values that are not NaN.</summary>
    public long Values { get; set; }

    /// <summary>Live NaN values (missing).</summary>
    public long Missing { get; set; }

    /// <summary>Live values outside the training range.</summary>
    public long OutOfRange { get; set; }

    /// <summary>Adds the counts of another histogram of the same baseline (a partition of the rows).</summary>
    public void Add(LiveHistogram other)
    {
        for (var b = 0; b < Counts.Length; b++)
        {
            Counts[b] += other.Counts[b];
            Ties[b] += other.Ties[b];
            Offsets[b] += other.Offsets[b];
        }

        Values += other.Values;
        Missing += other.Missing;
        OutOfRange += other.OutOfRange;
    }

    /// <summary>Running totals: element b is the number of live values in buckets 0..b.</summary>
    public long[] Cumulative()
    {
        var cumulative = new long[Counts.Length];
        long total = 0;
        for (var b = 0; b < Counts.Length; b++)
        {
            total += Counts[b];
            cumulative[b] = total;
        }

        return cumulative;
    }
}
