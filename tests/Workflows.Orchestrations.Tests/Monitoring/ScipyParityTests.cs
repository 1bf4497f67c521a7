using System.Globalization;
using System.Text.Json;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Tests.Evaluation;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Monitoring;

/// <summary>
/// The drift statistics against SciPy's (Debian's python3-scipy): <c>ks_2samp(method="asymp")</c>,
/// <c>wasserstein_distance</c>, <c>chisquare</c>, <c>chi2.sf</c>, <c>kstwo.sf</c> and <c>gammaincc</c>, on seeded
/// samples with and without ties, small and large, equal and shifted. Every case goes to Python in one process;
/// floats and doubles cross as JSON exactly. KS D and Wasserstein (both paths: the merge of two sorted samples and
/// the detector's binned path) agree within 1e-9 relative. P-values agree within 1e-9 absolute or 1e-6 relative:
/// SciPy sums the one-sided Smirnov tail in double-double arithmetic and we in double logarithms, and the incomplete
/// gamma's series and continued fraction stop at a unit in the last place; the measured gaps are far smaller.
/// </summary>
public sealed class ScipyParityTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string Script => Path.Combine(RepositoryPaths.Root, "tests", "Workflows.Orchestrations.Tests", "Monitoring", "scipy_reference.py");

    [Fact]
    public async Task Ks_wasserstein_chi_square_and_their_distributions_match_scipy()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(3));
        var random = new Random(20240601);
        var pairs = new List<(string Name, float[] A, float[] B)>
        {
            ("5000 vs 1000, same", Samples.Normal(random, 5000), Samples.Normal(random, 1000)),
            ("5000 vs 1000, shift 0.1", Samples.Normal(random, 5000), Samples.Normal(random, 1000, 0.1)),
            ("5000 vs 1000, shift 0.5", Samples.Normal(random, 5000), Samples.Normal(random, 1000, 0.5)),
            ("5000 vs 1000, ties (step 0.25)", Samples.Normal(random, 5000, step: 0.25), Samples.Normal(random, 1000, 0.05, step: 0.25)),
            ("5000 vs 20000, heavy ties (step 1)", Samples.Normal(random, 5000, step: 1), Samples.Normal(random, 20000, 0.1, step: 1)),
            ("5000 vs 120 (en 117: small-n algorithms)", Samples.Normal(random, 5000), Samples.Normal(random, 120, 0.2)),
            ("5000 vs 100, wider", Samples.Normal(random, 5000), Samples.Normal(random, 100, 0, 1.5)),
            ("100 vs 100", Samples.Normal(random, 100), Samples.Normal(random, 100, 0.3)),
            ("30 vs 40", Samples.Normal(random, 30), Samples.Normal(random, 40, 0.4)),
            ("12 vs 9, ties", Samples.Normal(random, 12, step: 0.5), Samples.Normal(random, 9, step: 0.5)),
            ("1000 vs 1000, scale 1000 offset 1e4", Samples.Normal(random, 1000, 1e4, 1000), Samples.Normal(random, 1000, 1.02e4, 1000)),
            ("constant vs same constant", Enumerable.Repeat(3f, 500).ToArray(), Enumerable.Repeat(3f, 200).ToArray()),
            ("constant vs other constant", Enumerable.Repeat(3f, 500).ToArray(), Enumerable.Repeat(4f, 200).ToArray()),
            ("constant vs spread", Enumerable.Repeat(0f, 500).ToArray(), Samples.Normal(random, 300)),
            ("disjoint", Samples.Normal(random, 400), Samples.Normal(random, 300, 20)),
            ("0/1 column", Samples.Normal(random, 5000, 0.3, step: 1).Select(v => v > 0 ? 1f : 0f).ToArray(), Samples.Normal(random, 800, 0.6, step: 1).Select(v => v > 0 ? 1f : 0f).ToArray()),
        };
        double[][] chiSquare =
        [
            [10, 20, 30, 40], [12, 18, 33, 37],
            [100, 250, 650], [130, 240, 630],
            [5, 5, 5, 5, 5, 975], [4, 9, 2, 7, 6, 972],
            [500, 500], [560, 440],
        ];
        double[][] chi2Sf = [[0.5, 1], [3.84, 1], [30, 1], [0.01, 3], [7.81, 3], [120, 3], [9.5, 10], [18.3, 10], [200, 10], [95, 99], [150, 99], [1000, 400], [300, 400], [1e-6, 2], [65, 5]];
        double[][] kstwoSf = [.. KstwoGrid()];
        double[][] gammaincc = [[0.5, 0.1], [0.5, 2], [1, 1], [2.5, 0.5], [2.5, 8], [10, 3], [10, 30], [50, 49], [50, 80], [200, 150], [200, 260], [0.1, 1e-3], [3, 3.999]];

        var input = JsonSerializer.Serialize(new
        {
            // As doubles: a float written as JSON is its shortest decimal, which Python would read as a different double.
            pairs = pairs.Select(p => new { a = Array.ConvertAll(p.A, v => (double)v), b = Array.ConvertAll(p.B, v => (double)v) }),
            chiSquare = Enumerable.Range(0, chiSquare.Length / 2).Select(i => new { observed = chiSquare[2 * i + 1], expected = Rescale(chiSquare[2 * i], chiSquare[2 * i + 1].Sum()) }),
            chi2Sf,
            kstwoSf,
            gammaincc,
        }, Json);
        var reference = JsonSerializer.Deserialize<Reference>(await PythonScript.RunAsync(["numpy", "scipy"], [Script], input, timeout.Token), Json)!;

        var problems = new List<string>();
        for (var i = 0; i < pairs.Count; i++)
        {
            var (name, a, b) = pairs[i];
            var (sortedA, sortedB) = (Samples.Sorted(a), Samples.Sorted(b));
            var (d, p) = KolmogorovSmirnov.Test(sortedA, sortedB);
            Check(problems, $"{name}: KS D (merge)", d, reference.Ks[i][0], 1e-12, 0);
            Check(problems, $"{name}: KS p", p, reference.Ks[i][1], 1e-9, 1e-6);
            Check(problems, $"{name}: Wasserstein (merge)", WassersteinDistance.Distance(sortedA, sortedB), reference.Wasserstein[i], 1e-9, 1e-9);
            var (binnedD, binnedW) = Binned(sortedA, b);
            Check(problems, $"{name}: KS D (binned)", binnedD, reference.Ks[i][0], 1e-12, 0);
            Check(problems, $"{name}: Wasserstein (binned)", binnedW, reference.Wasserstein[i], 1e-9, 1e-9);
        }

        for (var i = 0; i < chiSquare.Length / 2; i++)
        {
            var result = ChiSquareTest.Test(chiSquare[2 * i + 1], Rescale(chiSquare[2 * i], chiSquare[2 * i + 1].Sum()));
            Check(problems, $"chisquare case {i}: statistic", result.Statistic, reference.ChiSquare[i][0], 1e-9, 1e-9);
            Check(problems, $"chisquare case {i}: p", result.PValue, reference.ChiSquare[i][1], 1e-9, 1e-6);
        }

        for (var i = 0; i < chi2Sf.Length; i++)
        {
            Check(problems, $"chi2.sf({chi2Sf[i][0]}, {chi2Sf[i][1]})", IncompleteGamma.ChiSquareSurvival(chi2Sf[i][0], chi2Sf[i][1]), reference.Chi2Sf[i], 1e-9, 1e-6);
        }

        for (var i = 0; i < kstwoSf.Length; i++)
        {
            var (n, x) = ((int)kstwoSf[i][0], kstwoSf[i][1]);
            Check(problems, $"kstwo.sf({x.ToString("R", CultureInfo.InvariantCulture)}, {n})", KolmogorovDistribution.Survival(n, x), reference.KstwoSf[i], 1e-9, 1e-6);
        }

        for (var i = 0; i < gammaincc.Length; i++)
        {
            Check(problems, $"gammaincc({gammaincc[i][0]}, {gammaincc[i][1]})", IncompleteGamma.UpperRegularized(gammaincc[i][0], gammaincc[i][1]), reference.Gammaincc[i], 1e-9, 1e-6);
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    // Every region of the finite-n Kolmogorov distribution: Ruben-Gambino ends, Durbin, Pomeranz, Smirnov, Pelz-Good.
    private static IEnumerable<double[]> KstwoGrid()
    {
        foreach (var n in new[] { 2, 5, 17, 50, 117, 140, 141, 500, 833, 4167, 100_001 })
        {
            foreach (var z in new[] { 0.3, 0.55, 0.8, 0.9, 1.0, 1.2, 1.36, 1.5, 1.8, 2.2, 3.0, 5.0 })
            {
                var x = z / Math.Sqrt(n);
                if (x < 1)
                {
                    yield return [n, x];
                }
            }

            yield return [n, 0.75 / n];
            yield return [n, 1 - 0.5 / n];
            yield return [n, 0.6];
        }
    }

    private static double[] Rescale(double[] shares, double total)
    {
        var sum = shares.Sum();
        return [.. shares.Select(s => s / sum * total)];
    }

    /// <summary>KS D and Wasserstein by the detector's path: bin the live sample on the baseline, refine the crossing buckets.</summary>
    private static (double D, double W) Binned(float[] sortedBaseline, float[] live)
    {
        var spec = new ColumnSpec(live, EmpiricalDistribution.FromSorted(sortedBaseline), double.NegativeInfinity, double.PositiveInfinity);
        var histograms = HistogramScan.Run(live.Length, [spec]);
        var crossing = WassersteinDistance.CrossingBuckets(histograms[0], out var count);
        var values = CrossingScan.Run([spec], histograms, [count > 0 ? crossing : null]);
        return (KolmogorovSmirnov.Statistic(histograms[0]), WassersteinDistance.Distance(histograms[0], values[0]));
    }

    private static void Check(List<string> problems, string what, double ours, double expected, double absolute, double relative)
    {
        var gap = Math.Abs(ours - expected);
        if (!(gap <= absolute || gap <= relative * Math.Abs(expected)))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: ours {ours:R}, SciPy {expected:R}, gap {gap:E2}"));
        }
    }

    private sealed record Reference(double[][] Ks, double[] Wasserstein, double[][] ChiSquare, double[] Chi2Sf, double[] KstwoSf, double[] Gammaincc);
}
