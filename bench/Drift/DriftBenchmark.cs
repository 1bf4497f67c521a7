using System.Diagnostics;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Bench.Drift;

/// <summary>
/// Rows per second of a full drift check (every feature: PSI, KS with its p-value, exact Wasserstein, missing and
/// out-of-range counts, the verdict) over 1,000,000 logged rows of 30 features against a 5,000-row baseline, beside
/// the same run's single pass that only sums those 30 million floats into a double (the least any check must do:
/// read every value once). Target: at least 0.2 of that pass. The data are generated in memory, deterministically:
/// normal columns of varied location and scale, some rounded (ties), a third shifted, 1% missing.
/// </summary>
public sealed class DriftBenchmark(TextWriter output)
{
    private const int Rows = 1_000_000;
    private const int Features = 30;
    private const int BaselineRows = TrainingBaseline.MaxRows;
    private const int Rounds = 5;

    public IReadOnlyList<BenchFigure> Run()
    {
        var generate = Stopwatch.StartNew();
        var live = Generate(Rows, seed: 2, shifted: true, missing: 0.01);
        var baseline = Baseline(Generate(BaselineRows, seed: 1, shifted: false, missing: 0));
        output.WriteLine($"generated {Rows:N0} rows x {Features} features and a {BaselineRows:N0}-row baseline in {generate.Elapsed.TotalSeconds:F1} s");
        var window = new LiveWindow(Rows, live, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1));
        DriftSettings shipped = new([DriftMethod.Psi, DriftMethod.KolmogorovSmirnov, DriftMethod.Wasserstein], 0.2, 0.05, 0.1);
        var defaults = DriftSettings.Default;

        // Warm-up (JIT, tiered compilation, page faults), not measured.
        var report = DriftDetector.Check(baseline, window, shipped);
        output.WriteLine($"verdict {report.Verdict}: {report.DriftedFeatures} of {report.TestedFeatures} features drifted");
        _ = Sum(live);
        _ = DriftDetector.Check(baseline, window, defaults);

        var sums = new List<double>();
        var checks = new List<double>();
        var defaultChecks = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            // Interleaved, so a burst of load from elsewhere on this shared machine hits both sides.
            var clock = Stopwatch.StartNew();
            var total = Sum(live);
            sums.Add(Rows / clock.Elapsed.TotalSeconds);
            clock.Restart();
            DriftDetector.Check(baseline, window, shipped);
            checks.Add(Rows / clock.Elapsed.TotalSeconds);
            clock.Restart();
            DriftDetector.Check(baseline, window, defaults);
            defaultChecks.Add(Rows / clock.Elapsed.TotalSeconds);
            output.WriteLine($"round {round + 1}: sum pass {sums[^1]:N0} rows/s (sum {total:F1}), drift check {checks[^1]:N0} rows/s, PSI+KS only {defaultChecks[^1]:N0} rows/s");
        }

        var baselineRate = Median(sums);
        return
        [
            BenchFigure.Of("drift check, 1M rows x 30 features (PSI, KS, Wasserstein)", Median(checks), "rows/s", baselineRate),
            BenchFigure.Of("drift check, 1M rows x 30 features (PSI, KS: defaults)", Median(defaultChecks), "rows/s", baselineRate),
        ];
    }

    // The baseline: a plain loop summing every float into a double, one thread.
    private static double Sum(float[][] columns)
    {
        var sum = 0.0;
        foreach (var column in columns)
        {
            for (var i = 0; i < column.Length; i++)
            {
                sum += column[i];
            }
        }

        return sum;
    }

    // Columns, as the window reader hands them to the check.
    private static float[][] Generate(int rows, int seed, bool shifted, double missing)
    {
        var random = new Random(seed);
        var columns = new float[Features][];
        for (var f = 0; f < Features; f++)
        {
            columns[f] = new float[rows];
        }

        for (var f = 0; f < Features; f++)
        {
            var mean = f * 0.5;
            var sd = 1 + f % 5;
            var shift = shifted && f % 3 == 0 ? 0.5 * sd : 0;
            var step = f % 4 == 3 ? 0.5 : 0;
            for (var r = 0; r < rows; r++)
            {
                if (missing > 0 && random.NextDouble() < missing)
                {
                    columns[f][r] = float.NaN;
                    continue;
                }

                var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                var value = mean + shift + sd * z;
                columns[f][r] = (float)(step > 0 ? Math.Round(value / step) * step : value);
            }
        }

        return columns;
    }

    private static TrainingBaseline Baseline(float[][] columns)
    {
        var features = new FeatureBaseline[Features];
        for (var f = 0; f < Features; f++)
        {
            var values = (float[])columns[f].Clone();
            Array.Sort(values);
            double sum = 0, squares = 0;
            foreach (var v in values)
            {
                sum += v;
            }

            var mean = sum / values.Length;
            foreach (var v in values)
            {
                squares += (v - mean) * (v - mean);
            }

            features[f] = new FeatureBaseline($"f{f}", mean, Math.Sqrt(squares / values.Length), values[0], values[^1], values);
        }

        return new TrainingBaseline(BaselineRows, BaselineRows, features, new PredictionBaseline(null, [0f]));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
