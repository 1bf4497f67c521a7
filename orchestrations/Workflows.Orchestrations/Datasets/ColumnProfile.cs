using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Statistics of one column. Numeric and integer columns have moments, quantiles and a histogram; boolean and
/// categorical columns have category counts.
/// </summary>
/// <param name="Name">Header name.</param>
/// <param name="Type">Value type.</param>
/// <param name="Count">Non-null values.</param>
/// <param name="Nulls">Empty values.</param>
/// <param name="Min">Smallest value (numeric columns).</param>
/// <param name="Max">Largest value (numeric columns).</param>
/// <param name="Mean">Exact mean (Welford).</param>
/// <param name="StdDev">Exact population standard deviation (Welford).</param>
/// <param name="Quantiles">
/// Keys p01, p05, p25, p50, p75, p95, p99, linear interpolation between order statistics (NumPy's default).
/// Exact up to the sample size (<see cref="ColumnProfile.SampleSize"/> values); beyond it, estimated from a seeded
/// uniform sample of that size (rank error about 1/sqrt(size)).
/// </param>
/// <param name="Histogram">20 equal-width bins between min and max, exact counts.</param>
/// <param name="Categories">At most 100 most frequent values, most frequent first (ties by value, ordinal).</param>
/// <param name="OtherCount">Values not listed in <paramref name="Categories"/>.</param>
/// <param name="Distinct">Distinct values; null when more than the 10,000 tracked.</param>
public sealed record ColumnProfile(
    string Name,
    ColumnType Type,
    long Count,
    long Nulls,
    double? Min,
    double? Max,
    double? Mean,
    double? StdDev,
    IReadOnlyDictionary<string, double>? Quantiles,
    Histogram? Histogram,
    IReadOnlyList<CategoryCount>? Categories,
    long OtherCount = 0,
    int? Distinct = null)
{
    /// <summary>Values kept per numeric column for quantiles (fewer for very wide files, see the inspector).</summary>
    public const int SampleSize = 100_000;
}
