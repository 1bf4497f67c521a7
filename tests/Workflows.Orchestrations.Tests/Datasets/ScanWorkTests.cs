using System.Collections.Concurrent;
using Workflows.Orchestrations.Datasets;

namespace Workflows.Orchestrations.Tests.Datasets;

/// <summary>The scan's helpers: its work scheduler and its random numbers.</summary>
public sealed class ScanWorkTests
{
    [Fact]
    public void Each_item_runs_once_a_round_and_a_slow_item_starts_first_in_the_next_round()
    {
        var work = new LongestFirstWork(6);
        // One worker at a time, so the order items start in is the order they are handed out.
        var options = new ParallelOptions { CancellationToken = TestContext.Current.CancellationToken, MaxDegreeOfParallelism = 1 };
        for (var round = 0; round < 3; round++)
        {
            var started = new ConcurrentQueue<int>();
            work.Run(item =>
            {
                started.Enqueue(item);
                Thread.Sleep(item == 4 ? 50 : 1);
            }, options);

            Assert.Equal([0, 1, 2, 3, 4, 5], started.Order());
            if (round > 0)
            {
                Assert.Equal(4, started.First());
            }
        }
    }

    [Fact]
    public void Seeded_draws_repeat_per_seed_and_stay_in_range_and_uniform()
    {
        var a = new SeededRandom(11);
        var b = new SeededRandom(11);
        var counts = new int[10];
        for (var i = 0; i < 100_000; i++)
        {
            var unit = a.NextDouble();
            Assert.Equal(unit, b.NextDouble());
            Assert.InRange(unit, 0.0, 1.0 - double.Epsilon);
            counts[(int)(unit * 10)]++;
        }

        // 10,000 expected per tenth; 5 standard deviations is about ±475.
        Assert.All(counts, count => Assert.InRange(count, 9_500, 10_500));
        Assert.NotEqual(new SeededRandom(12).NextDouble(), new SeededRandom(11).NextDouble());
    }
}
