using Workflows.Orchestrations.Datasets;

namespace Workflows.Orchestrations.Tests.Datasets;

/// <summary>The quantiles' sample: exactly its size, every value equally likely, the same for a seed however the values arrive.</summary>
public sealed class UniformSampleTests
{
    [Fact]
    public void A_column_that_fits_is_kept_whole_and_its_quantiles_are_exact()
    {
        var sample = new UniformSample(capacity: 100, count: 11, seed: 1);
        sample.AddAll([10, 0, 9, 1, 8]);
        sample.AddAll([2, 7, 3, 6, 4, 5]);

        Assert.Equal([10, 0, 9, 1, 8, 2, 7, 3, 6, 4, 5], sample.Values.ToArray());
        var quantiles = sample.Quantiles()!;
        Assert.Equal(5, quantiles["p50"]);
        Assert.Equal(0.1, quantiles["p01"], 12);
        Assert.Equal(9.9, quantiles["p99"], 12);
        Assert.Null(new UniformSample(100, 0, 1).Quantiles());
    }

    [Fact]
    public void Each_value_is_taken_equally_often_and_exactly_capacity_are_taken()
    {
        const int Count = 1_000;
        const int Capacity = 100;
        const int Draws = 2_000;
        var taken = new int[Count];
        double[] values = [.. Enumerable.Range(0, Count)];
        for (var seed = 0; seed < Draws; seed++)
        {
            var sample = new UniformSample(Capacity, Count, seed);
            sample.AddAll(values);
            Assert.Equal(Capacity, sample.Values.Length);
            foreach (var value in sample.Values)
            {
                taken[(int)value]++;
            }
        }

        // 200 expected per value (binomial, standard deviation about 13.4): within 5 of them everywhere, and the first
        // and last tenth of the values taken as often as the rest (a skew toward either end shows there first).
        Assert.All(taken, count => Assert.InRange(count, 133, 267));
        Assert.InRange(taken[..100].Sum(), 20_000 - 700, 20_000 + 700);
        Assert.InRange(taken[^100..].Sum(), 20_000 - 700, 20_000 + 700);
    }

    [Fact]
    public void The_sample_depends_on_the_seed_not_on_how_the_values_are_split_into_blocks()
    {
        double[] values = [.. Enumerable.Range(0, 50_000).Select(i => i * 0.5)];
        var whole = new UniformSample(1_000, values.Length, seed: 7);
        whole.AddAll(values);
        var blocks = new UniformSample(1_000, values.Length, seed: 7);
        for (var start = 0; start < values.Length; start += 1_023)
        {
            blocks.AddAll(values.AsSpan(start, Math.Min(1_023, values.Length - start)));
        }

        var otherSeed = new UniformSample(1_000, values.Length, seed: 8);
        otherSeed.AddAll(values);

        Assert.Equal(whole.Values.ToArray(), blocks.Values.ToArray());
        Assert.NotEqual(whole.Values.ToArray(), otherSeed.Values.ToArray());
    }

    [Fact]
    public void Offering_more_values_than_it_was_sized_for_is_refused()
    {
        var sample = new UniformSample(10, 3, seed: 1);
        sample.AddAll([1, 2]);

        var error = Assert.Throws<InvalidOperationException>(() => sample.AddAll([3, 4]));
        Assert.Contains("sized for 1 more", error.Message);
    }
}
