using System.Runtime.Intrinsics.X86;
using Workflows.Orchestrations.Monitoring;

namespace Workflows.Orchestrations.Tests.Monitoring;

/// <summary>
/// The lookup every numeric drift statistic rests on: each path (one value at a time, eight at a time) must give every
/// live value the bucket and tie flag that the definition gives, on baselines built to reach each corner of the grid.
/// </summary>
public sealed class EmpiricalDistributionTests
{
    public static TheoryData<string> Baselines => [.. Shapes().Keys];

    [Theory]
    [MemberData(nameof(Baselines))]
    public void Each_value_at_a_time_matches_the_definition(string shape)
    {
        var (distribution, live) = Case(shape);
        var tagged = new int[live.Length];
        distribution.LocateEach(live, tagged);
        AssertDefinition(distribution, live, tagged);
    }

    [Theory]
    [MemberData(nameof(Baselines))]
    public void Eight_values_at_a_time_match_the_definition(string shape)
    {
        Assert.SkipUnless(Avx2.IsSupported, "the vector lookup needs AVX2");
        var (distribution, live) = Case(shape);
        var tagged = new int[live.Length];
        var done = distribution.LocateVectors(live, tagged);
        Assert.Equal(live.Length / 8 * 8, done);
        AssertDefinition(distribution, live.AsSpan(0, done), tagged.AsSpan(0, done));

        // The public entry finishes the tail one at a time.
        Array.Clear(tagged);
        distribution.Locate(live, tagged);
        AssertDefinition(distribution, live, tagged);
    }

    [Theory]
    [MemberData(nameof(Baselines))]
    public void The_screen_keeps_every_value_of_a_marked_bucket_and_nothing_outside_the_range(string shape)
    {
        var (distribution, live) = Case(shape);
        var values = distribution.Values;
        // Mark the cells that can hold the middle bucket (one bucket for a one-value baseline: it has no inner bucket).
        var target = Math.Max(1, values.Length / 2);
        var marks = new int[distribution.CellCount];
        for (var cell = 0; cell < marks.Length; cell++)
        {
            var (first, last) = distribution.CellBuckets(cell);
            marks[cell] = first <= target && target <= last ? 1 : 0;
        }

        var picked = new int[live.Length];
        var kept = picked.AsSpan(0, distribution.Screen(live, marks, picked)).ToArray().ToHashSet();

        // One value at a time: every value goes through the scalar path, which must keep the same ones.
        var one = new int[1];
        var keptOneByOne = Enumerable.Range(0, live.Length).Where(i => distribution.Screen(live.AsSpan(i, 1), marks, one) == 1).ToHashSet();
        Assert.Equal(kept.Order(), keptOneByOne.Order());

        var inTarget = 0;
        for (var i = 0; i < live.Length; i++)
        {
            var inside = live[i] >= values[0] && live[i] < values[^1];
            Assert.False(kept.Contains(i) && !inside, $"value {live[i]:R} outside the range was kept");
            var wanted = inside && distribution.Bucket(live[i]) == target;
            Assert.False(wanted && !kept.Contains(i), $"value {live[i]:R} of bucket {target} was screened out");
            inTarget += wanted ? 1 : 0;
        }

        // A baseline of one value has no bucket inside its range, so nothing may be kept; every other shape has values to keep.
        Assert.True(values.Length == 1 ? kept.Count == 0 : inTarget > 0, $"{kept.Count} kept, {inTarget} in bucket {target}");
    }

    private static Dictionary<string, float[]> Shapes()
    {
        var random = new Random(17);
        return new()
        {
            ["normal"] = Samples.Normal(random, 5000),
            ["rounded (ties)"] = Samples.Normal(random, 5000, 3, 2, step: 0.5),
            // Most values packed into a sliver of a wide range: cells holding many values (bisected; "range past float" steps).
            ["crowded"] = [.. Samples.Normal(random, 3000, 0, 1e-4), .. Samples.Normal(random, 20, 0, 1000), .. Enumerable.Range(0, 40).Select(i => 5f + i * 1e-6f)],
            ["one value"] = [4.5f],
            ["two values"] = [-1f, 1f],
            ["range past float"] = [-3e38f, -1f, 0f, 2f, 3e38f],
            ["range of one step"] = [1f, MathF.BitIncrement(1f)],
            ["large and close"] = [.. Enumerable.Range(0, 500).Select(i => 16_777_216f + 2 * i)],
        };
    }

    private static (EmpiricalDistribution Distribution, float[] Live) Case(string shape)
    {
        var sample = Shapes()[shape];
        var distribution = EmpiricalDistribution.FromSorted(Samples.Sorted(sample));
        var random = new Random(shape.Length);
        var (low, high) = (distribution.Values[0], distribution.Values[^1]);
        var live = new List<float> { float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue, low, high };
        foreach (var value in distribution.Values)
        {
            live.AddRange([value, MathF.BitIncrement(value), MathF.BitDecrement(value)]);
        }

        for (var i = 0; i < 2000; i++)
        {
            var between = low + (float)random.NextDouble() * (high - low);
            live.Add(float.IsFinite(between) ? between : distribution.Values[random.Next(distribution.Values.Length)]);
        }

        live.Add(float.NaN);
        // An odd length, so a tail is left after the whole vectors; shuffled, so every lane sees every kind of value.
        var values = live.ToArray();
        random.Shuffle(values);
        return (distribution, values.Length % 8 == 0 ? [.. values, float.NaN] : values);
    }

    private static void AssertDefinition(EmpiricalDistribution distribution, ReadOnlySpan<float> live, ReadOnlySpan<int> tagged)
    {
        var values = distribution.Values;
        for (var i = 0; i < live.Length; i++)
        {
            var x = live[i];
            int expected;
            if (float.IsNaN(x))
            {
                expected = distribution.MissingSlot;
            }
            else
            {
                // How many distinct baseline values are at or below x; a tie when the largest of them is x.
                var bucket = values.Count(v => v <= x);
                expected = bucket > 0 && values[bucket - 1] == x ? bucket | EmpiricalDistribution.TieBit : bucket;
            }

            if (tagged[i] != expected)
            {
                Assert.Fail($"value {x:R} (index {i}): expected bucket {expected & ~EmpiricalDistribution.TieBit} tie {expected < 0}, got {tagged[i] & ~EmpiricalDistribution.TieBit} tie {tagged[i] < 0}");
            }
        }
    }
}
