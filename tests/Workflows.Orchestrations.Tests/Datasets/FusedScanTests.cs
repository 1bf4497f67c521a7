using System.Globalization;
using System.Text;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Tests.Datasets;

/// <summary>
/// The one-step path for canonical cells (<see cref="ColumnProfiler.TryScanCanonical"/>, with the general path for
/// the cells it declines) must leave a column exactly as the general path alone does: counts, inference, moments,
/// sample, spilled histogram, categories and findings.
/// </summary>
public sealed class FusedScanTests : IDisposable
{
    private readonly DatasetFixture _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string, ColumnType?, ColumnType> Columns => new()
    {
        { "integers", null, ColumnType.Integer },
        { "integers", ColumnType.Integer, ColumnType.Integer },
        { "decimals", null, ColumnType.Numeric },
        { "decimals", ColumnType.Numeric, ColumnType.Numeric },
        { "decimals", ColumnType.Integer, ColumnType.Integer },
        { "booleans", null, ColumnType.Boolean },
        { "booleans", ColumnType.Boolean, ColumnType.Boolean },
        { "words", null, ColumnType.Categorical },
        { "words", ColumnType.Categorical, ColumnType.Categorical },
        { "integers", null, ColumnType.Numeric }, // profiled as a type the scan does not end with
        { "clean decimals", null, ColumnType.Numeric }, // whole at first: only one-step cells tell inference it is not
    };

    [Theory]
    [MemberData(nameof(Columns))]
    public void Canonical_cells_in_one_step_leave_the_column_as_the_general_path_does(string kind, ColumnType? declared, ColumnType profiledAs)
    {
        var cells = Cells(kind, new Random(kind.Length * 31 + (int)(declared ?? 0)));
        var (general, _) = Scan(cells, declared, profiledAs, fused: false);
        var (fused, fusedCells) = Scan(cells, declared, profiledAs, fused: true);

        Assert.Equal(general, fused);
        Assert.True(fusedCells > cells.Length / 10, $"only {fusedCells} of {cells.Length} cells took the one-step path");
    }

    private static string[] Cells(string kind, Random random) =>
        [.. Enumerable.Range(0, 20_000).Select(i => (i % 97, kind) switch
        {
            (0, _) => "",
            (_, "clean decimals") => i < 50 ? "7" : (random.Next(1_000_000) / 100.0).ToString(CultureInfo.InvariantCulture),
            (1, "booleans") => " true ",
            (1, "words") => " w1 ",
            (1, _) => " 7 ",
            (2, "integers") => "-0",
            (3, "integers") => "007",
            (2 or 3, "decimals") => random.Next(2) == 0 ? "1e5" : "2.50",
            (4, "decimals") => "-0.00001",
            (2, "booleans") => "TRUE",
            (3, "booleans") => "1",
            (2 or 3, "words") => "\"x,y\"",
            (_, "integers") => random.NextInt64(-1_000_000, 1_000_000).ToString(CultureInfo.InvariantCulture),
            (_, "decimals") => Math.Round((random.NextDouble() - 0.5) * 1e5, random.Next(0, 7)).ToString(CultureInfo.InvariantCulture),
            (_, "booleans") => random.Next(2) == 0 ? "true" : "false",
            _ => "w" + random.Next(300).ToString(CultureInfo.InvariantCulture),
        })];

    private (Outcome Outcome, int FusedCells) Scan(string[] cells, ColumnType? declared, ColumnType profiledAs, bool fused)
    {
        var scan = new ColumnScan(new ColumnPlan(0, "c", ColumnRole.Target, declared));
        using var spill = new NumberSpill(_files.Root, 1);
        var profiler = new ColumnProfiler(scan, profiledAs, spill, sampleSize: 1_000, new ValueRange(-10_000, 10_000), previous: null, countCategories: true, allowedLabels: ["true", "w1", "5"]);
        var output = new CanonicalRowBuilder();
        var fusedCells = 0;
        var canonical = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            var field = Encoding.UTF8.GetBytes(cells[i]);
            if (fused && profiler.TryScanCanonical(field, i, i + 1))
            {
                fusedCells++;
                canonical.Append(cells[i]).Append('|');
                continue;
            }

            var parsed = scan.Add(field, i, i + 1);
            output.Clear();
            canonical.Append(profiler.Add(field, parsed, i, i + 1, output) ? cells[i] : Encoding.UTF8.GetString(output.Written)).Append('|');
        }

        profiler.CountSpilled(TestContext.Current.CancellationToken);
        var moments = scan.Moments;
        return (new Outcome(
            scan.Type, scan.Values, scan.Nulls.Count, scan.TypeMismatches.Count, scan.NonFinite.Count,
            $"{moments.Count} {moments.Min:R} {moments.Max:R} {moments.Mean:R} {moments.StdDev:R}",
            string.Join(' ', profiler.Quantiles?.Select(q => $"{q.Key}={q.Value:R}") ?? []),
            string.Join(' ', profiler.Histogram?.Counts ?? []),
            string.Join(' ', profiler.Categories?.MostFrequent(CategoryCounter.MaxReported).Select(c => $"{c.Value}={c.Count}") ?? []),
            profiler.OutOfRange.Count, profiler.DisallowedLabels.Count, canonical.ToString()), fusedCells);
    }

    /// <summary>Everything the two paths must agree on.</summary>
    private sealed record Outcome(
        ColumnType Type, long Values, long Nulls, long Mismatches, long NonFinite, string Moments, string Quantiles, string Histogram, string Categories,
        long OutOfRange, long Disallowed, string Canonical);
}
