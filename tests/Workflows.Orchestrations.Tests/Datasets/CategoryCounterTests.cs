using System.Text;
using Workflows.Orchestrations.Datasets;

namespace Workflows.Orchestrations.Tests.Datasets;

public sealed class CategoryCounterTests
{
    [Fact]
    public void Counts_match_a_string_dictionary_through_growth_and_overflow()
    {
        var random = new Random(3);
        var counter = new CategoryCounter();
        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        long overflow = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var value = random.Next(4) switch { 0 => "é" + random.Next(50), 1 => "", 2 => "v" + random.Next(20_000), _ => "𝄞" + random.Next(5) };
            counter.Add(Encoding.UTF8.GetBytes(value));
            if (expected.TryGetValue(value, out var count))
            {
                expected[value] = count + 1;
            }
            else if (expected.Count < CategoryCounter.MaxTracked)
            {
                expected[value] = 1;
            }
            else
            {
                overflow++;
            }
        }

        var ordered = expected.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new CategoryCount(p.Key, p.Value));
        Assert.Equal(ordered, counter.MostFrequent(CategoryCounter.MaxTracked));
        Assert.Equal(expected.Count, counter.Tracked);
        Assert.Equal(overflow, counter.Overflow);
    }

    /// <summary>Values of up to 8 bytes are told apart by their hash and length alone: any byte, at any position, counts.</summary>
    [Fact]
    public void Short_values_that_differ_in_one_byte_or_only_in_length_count_apart()
    {
        var counter = new CategoryCounter();
        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var length = 0; length <= 12; length++)
        {
            for (var position = 0; position < Math.Max(1, length); position++)
            {
                foreach (var changed in "\0ab~")
                {
                    var chars = new string('a', length).ToCharArray();
                    if (length > 0)
                    {
                        chars[position] = changed;
                    }

                    var value = new string(chars);
                    for (var times = 0; times < 1 + (position % 3); times++)
                    {
                        counter.Add(Encoding.UTF8.GetBytes(value));
                        expected[value] = expected.GetValueOrDefault(value) + 1;
                    }
                }
            }
        }

        var ordered = expected.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new CategoryCount(p.Key, p.Value));
        Assert.Equal(ordered, counter.MostFrequent(CategoryCounter.MaxTracked));
    }
}
