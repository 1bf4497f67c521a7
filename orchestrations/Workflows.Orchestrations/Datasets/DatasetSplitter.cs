using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// A deterministic split: a seeded Fisher–Yates shuffle (System.Random with a seed, whose sequence .NET keeps stable),
/// then validation and test take round(n × share) rows and train the rest. Stratified, each class is shuffled and
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
        List<int> train = [], validation = [], test = [];
        foreach (var group in groups)
        {
            random.Shuffle(group);
            var testRows = (int)Math.Round(group.Length * split.Test, MidpointRounding.AwayFromZero);
            var validationRows = Math.Min((int)Math.Round(group.Length * split.Validation, MidpointRounding.AwayFromZero), group.Length - testRows);
            test.AddRange(group.AsSpan(0, testRows));
            validation.AddRange(group.AsSpan(testRows, validationRows));
            train.AddRange(group.AsSpan(testRows + validationRows));
        }

        return (Shuffled(train, random), Shuffled(validation, random), Shuffled(test, random));
    }

    private static int[] Shuffled(List<int> rows, Random random)
    {
        var array = rows.ToArray();
        random.Shuffle(array);
        return array;
    }
}
