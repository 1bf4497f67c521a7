namespace Workflows.Orchestrations.Monitoring;

/// <summary>A chi-square goodness-of-fit result.</summary>
/// <param name="Statistic">Sum over bins of (observed - expected)² / expected.</param>
/// <param name="DegreesOfFreedom">Bins tested minus one; 0 when fewer than two bins were left (no test).</param>
/// <param name="PValue">P(χ²_df &gt;= statistic); 1 when there was no test.</param>
/// <param name="Bins">Bins after rare categories were pooled.</param>
public readonly record struct ChiSquareResult(double Statistic, int DegreesOfFreedom, double PValue, int Bins);

/// <summary>
/// Pearson's chi-square goodness-of-fit test of observed category counts against the baseline's category shares, as
/// SciPy's <c>scipy.stats.chisquare(f_obs, f_exp)</c> (p-value: <see cref="IncompleteGamma.ChiSquareSurvival"/>).
/// </summary>
/// <remarks>
/// The chi-square approximation needs enough expected rows per bin; the usual rule is at least 5. So before testing,
/// every category expected fewer than <see cref="MinExpected"/> times is pooled into one "rare" bin; if that bin is
/// still expected fewer than 5 times, it joins the smallest remaining bin. Fewer than two bins left means nothing to
/// test: the result is 0 with p = 1. Expected counts come from the shares scaled to the live rows whose category the
/// baseline knows; rows with categories it never saw are not forced into a bin but reported as a data-quality signal.
/// With a big window even a tiny, harmless change in the shares is "significant": the p-value says how sure, not
/// how large.
/// </remarks>
public static class ChiSquareTest
{
    /// <summary>The fewest expected rows a bin is tested with.</summary>
    public const double MinExpected = 5;

    /// <summary>The plain test over the given bins (no pooling): both spans the same length, expected all positive.</summary>
    public static ChiSquareResult Test(ReadOnlySpan<double> observed, ReadOnlySpan<double> expected)
    {
        if (observed.Length != expected.Length)
        {
            throw new ArgumentException("Observed and expected need the same bins.");
        }

        if (observed.Length < 2)
        {
            return new ChiSquareResult(0, 0, 1, observed.Length);
        }

        var statistic = 0.0;
        for (var i = 0; i < observed.Length; i++)
        {
            var difference = observed[i] - expected[i];
            statistic += difference * difference / expected[i];
        }

        var degrees = observed.Length - 1;
        return new ChiSquareResult(statistic, degrees, IncompleteGamma.ChiSquareSurvival(statistic, degrees), observed.Length);
    }

    /// <summary>Observed counts per category against the baseline's shares of the same categories, rare ones pooled.</summary>
    public static ChiSquareResult GoodnessOfFit(ReadOnlySpan<long> observed, ReadOnlySpan<double> shares)
    {
        var (pooledObserved, pooledExpected) = Pool(observed, shares);
        return Test(pooledObserved, pooledExpected);
    }

    /// <summary>The bins the test runs on: categories with a positive share, those expected fewer than 5 times pooled.</summary>
    internal static (double[] Observed, double[] Expected) Pool(ReadOnlySpan<long> observed, ReadOnlySpan<double> shares)
    {
        if (observed.Length != shares.Length)
        {
            throw new ArgumentException("Observed counts and shares need the same categories.");
        }

        double total = 0, shareTotal = 0;
        for (var i = 0; i < observed.Length; i++)
        {
            if (shares[i] > 0)
            {
                total += observed[i];
                shareTotal += shares[i];
            }
        }

        var keptObserved = new List<double>();
        var keptExpected = new List<double>();
        double rareObserved = 0, rareExpected = 0;
        var rare = 0;
        for (var i = 0; i < observed.Length; i++)
        {
            if (!(shares[i] > 0))
            {
                continue;
            }

            var expected = shares[i] / shareTotal * total;
            if (expected < MinExpected)
            {
                rareObserved += observed[i];
                rareExpected += expected;
                rare++;
            }
            else
            {
                keptObserved.Add(observed[i]);
                keptExpected.Add(expected);
            }
        }

        if (rare > 0)
        {
            if (rareExpected >= MinExpected || keptExpected.Count == 0)
            {
                keptObserved.Add(rareObserved);
                keptExpected.Add(rareExpected);
            }
            else
            {
                var smallest = 0;
                for (var i = 1; i < keptExpected.Count; i++)
                {
                    smallest = keptExpected[i] < keptExpected[smallest] ? i : smallest;
                }

                keptObserved[smallest] += rareObserved;
                keptExpected[smallest] += rareExpected;
            }
        }

        if (total == 0)
        {
            return ([], []);
        }

        return ([.. keptObserved], [.. keptExpected]);
    }
}
