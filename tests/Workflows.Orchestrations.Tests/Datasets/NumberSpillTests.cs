using Workflows.Orchestrations.Datasets;

namespace Workflows.Orchestrations.Tests.Datasets;

/// <summary>Histograms counted from spilled values must equal histograms counted directly.</summary>
public sealed class NumberSpillTests : IDisposable
{
    private readonly DatasetFixture _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Spilled_doubles_and_whole_numbers_count_as_the_values_themselves()
    {
        var random = new Random(3);
        long[] wholes = [.. Enumerable.Range(0, 5_000).Select(_ => random.NextInt64(-1_000_000, 1_000_000)), long.MinValue, long.MaxValue, 0, -1, 1 << 53];
        double[] reals = [.. Enumerable.Range(0, 5_000).Select(_ => (random.NextDouble() - 0.5) * 1e6), -0.0, double.Epsilon, 1e300];
        var directWholes = HistogramCounter.Uniform(-2e6, 2e6);
        var directReals = HistogramCounter.Uniform(-1e6, 1e6);
        var spilledWholes = HistogramCounter.Uniform(-2e6, 2e6);
        var spilledReals = HistogramCounter.Uniform(-1e6, 1e6);

        using (var spill = new NumberSpill(_files.Root, 3))
        {
            var wholeColumn = spill.Column(0, whole: true);
            var realColumn = spill.Column(2, whole: false);
            foreach (var value in wholes)
            {
                wholeColumn.AddWhole(value);
                directWholes.Add(value);
            }

            foreach (var value in reals)
            {
                realColumn.Add(value);
                directReals.Add(value);
            }

            spill.CountInto([spilledWholes, null, spilledReals], TestContext.Current.CancellationToken);
        }

        Assert.Equal(directWholes.Counts, spilledWholes.Counts);
        Assert.Equal(directReals.Counts, spilledReals.Counts);
        Assert.Equal(wholes.Length, spilledWholes.Counts.Sum());
        Assert.Empty(Directory.GetFileSystemEntries(_files.Root));
    }
}
