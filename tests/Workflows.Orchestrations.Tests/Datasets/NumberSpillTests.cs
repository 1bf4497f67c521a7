using Workflows.Orchestrations.Datasets;

namespace Workflows.Orchestrations.Tests.Datasets;

/// <summary>Spilled numbers must come back exactly as they went in, column by column, in order.</summary>
public sealed class NumberSpillTests : IDisposable
{
    private readonly DatasetFixture _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Spilled_doubles_and_whole_numbers_come_back_in_order_per_column_on_any_thread()
    {
        var random = new Random(3);
        // Interleaved writes of two columns, many blocks each: each column still reads back only its own values.
        long[] wholes = [.. Enumerable.Range(0, 30_000).Select(_ => random.NextInt64(-1_000_000, 1_000_000)), long.MinValue, long.MaxValue, 0, -1, 1L << 53];
        double[] reals = [.. Enumerable.Range(0, 30_000).Select(_ => (random.NextDouble() - 0.5) * 1e6), -0.0, double.Epsilon, 1e300, double.MaxValue];
        var wholesBack = new List<double>();
        var realsBack = new List<double>();

        using (var spill = new NumberSpill(_files.Root, 3))
        {
            var wholeColumn = spill.Column(0, whole: true);
            var realColumn = spill.Column(2, whole: false);
            for (var i = 0; i < Math.Max(wholes.Length, reals.Length); i++)
            {
                if (i < wholes.Length)
                {
                    wholeColumn.AddWhole(wholes[i]);
                }

                if (i < reals.Length)
                {
                    realColumn.Add(reals[i]);
                }
            }

            Assert.True(wholeColumn.Blocks.Count > 1 && realColumn.Blocks.Count > 1, "the test needs several blocks per column");
            var token = TestContext.Current.CancellationToken;
            Parallel.Invoke(
                () => wholeColumn.ReadBack(values => wholesBack.AddRange(values.ToArray()), token),
                () => realColumn.ReadBack(values => realsBack.AddRange(values.ToArray()), token));
            Assert.Equal(wholes.Length, wholeColumn.Count);
            Assert.Equal(reals.Length, realColumn.Count);
        }

        Assert.Equal(wholes.Select(w => (double)w), wholesBack);
        Assert.Equal(reals.Select(BitConverter.DoubleToInt64Bits), realsBack.Select(BitConverter.DoubleToInt64Bits));
        Assert.Empty(Directory.GetFileSystemEntries(_files.Root));
    }
}
