using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// A deterministic split: a seeded Fisher–Yates shuffle (System.Random with a seed, whose sequence .NET keeps stable),
/// then test takes round(n × test) rows, validation round(n × validation) of the rest (up to rounding), and train the rest. Stratified, each class is shuffled and
/// split on its own (classes in sorted order), so each part keeps the class proportions up to rounding; each part is
/// then shuffled once more so that classes are interleaved.
/// </summary>
internal static class DatasetSplitter
{
    public static (int[] Train, int[] Validation, int[] Test) Split(int rows, IReadOnlyList<int>? classes, SplitDefinition split)
    {
        if (split.Validation < 0 || split.Test < 0 || split.Validation + split.Test >= 1)
        {
            throw new ArgumentException($"validation ({split.Validation}) and test ({split.Test}) shares must be at least 0 and leave rows for training", nameof(split));
        }

        var random = new Random(split.Seed);
        var groups = classes is not null && split.Stratify
            ? Enumerable.Range(0, rows).GroupBy(i => classes[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray()
            : [Enumerable.Range(0, rows).ToArray()];
        var sizes = groups.Select(g => g.Length).ToArray();
        var testRows = Apportion(sizes, split.Test);
        var validationRows = Apportion(sizes.Select((size, g) => size - testRows[g]).ToArray(), split.Validation / (1 - split.Test));
        List<int> train = [], validation = [], test = [];
        for (var g = 0; g < groups.Length; g++)
        {
            var group = groups[g];
            random.Shuffle(group);
            test.AddRange(group.AsSpan(0, testRows[g]));
            validation.AddRange(group.AsSpan(testRows[g], validationRows[g]));
            train.AddRange(group.AsSpan(testRows[g] + validationRows[g]));
        }

        return (Shuffled(train, random), Shuffled(validation, random), Shuffled(test, random));
    }

    /// <summary>
    /// round(total × share) rows shared out between the groups in proportion to their sizes (largest remainder, ties to
    /// the earlier group), so the part's size does not depend on how many groups there are.
    /// </summary>
    private static int[] Apportion(int[] sizes, double share)
    {
        var exact = sizes.Select(size => size * share).ToArray();
        var counts = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var wanted = (int)Math.Round(sizes.Sum() * share, MidpointRounding.AwayFromZero);
        var byRemainder = Enumerable.Range(0, sizes.Length).OrderByDescending(g => exact[g] - counts[g]).ThenBy(g => g).ToArray();
        for (var k = 0; k < byRemainder.Length && counts.Sum() < wanted; k++)
        {
            counts[byRemainder[k]] = Math.Min(counts[byRemainder[k]] + 1, sizes[byRemainder[k]]);
        }

        return counts;
    }

    private static int[] Shuffled(List<int> rows, Random random)
    {
        var array = rows.ToArray();
        random.Shuffle(array);
        return array;
    }
}
