using System.Text.Json;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Functions.Serving;

/// <summary>
/// A model's input and output as its export manifest describes them: the source columns a row names, how each becomes
/// columns of the model's input, what a missing value becomes (the export's own fill), and what the output means.
/// </summary>
internal sealed class ModelSchema
{
    private readonly Dictionary<string, int> _columns;

    public ModelSchema(ExportManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Features.Sum(f => f.Width) != manifest.FeatureCount || manifest.Mean.Count != manifest.FeatureCount || manifest.FeatureNames.Count != manifest.FeatureCount)
        {
            throw new InvalidDataException($"The export manifest's features take {manifest.Features.Sum(f => f.Width)} columns, its means {manifest.Mean.Count} and its names {manifest.FeatureNames.Count}; it says {manifest.FeatureCount}.");
        }

        if (manifest.Task == ModelTask.Classification && manifest.ClassLabels is not { Count: > 0 })
        {
            throw new InvalidDataException("The export manifest is for classification but lists no class labels.");
        }

        Task = manifest.Task;
        FeatureCount = manifest.FeatureCount;
        FeatureNames = manifest.FeatureNames;
        ClassLabels = manifest.Task == ModelTask.Classification ? manifest.ClassLabels : null;
        OutputWidth = ClassLabels?.Count ?? 1;
        EncodedLabels = ClassLabels?.Select(label => JsonEncodedText.Encode(label)).ToArray();
        Features = manifest.Features.Select(f => new SchemaFeature(f)).ToArray();
        Fill = new float[FeatureCount];
        foreach (var feature in Features)
        {
            // The export fills a missing value with the train mean, except one-hot columns, which stay all zeros.
            if (feature.Encoding != FeatureEncoding.OneHot)
            {
                Fill[feature.Offset] = (float)manifest.Mean[feature.Offset];
            }
        }

        _columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Features.Length; i++)
        {
            _columns[Features[i].Column] = i;
        }

        Columns = _columns.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public ModelTask Task { get; }

    /// <summary>Columns of the model's input per row.</summary>
    public int FeatureCount { get; }

    /// <summary>The name of each input column (the source column, or "column=category" for one-hot columns).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The source columns a row names, in input order.</summary>
    public SchemaFeature[] Features { get; }

    /// <summary>Per input column, what a missing value becomes.</summary>
    public float[] Fill { get; }

    /// <summary>Classification: the labels, in the order of the model's probabilities; null for regression.</summary>
    public IReadOnlyList<string>? ClassLabels { get; }

    /// <summary>The labels, encoded once for writing responses.</summary>
    public JsonEncodedText[]? EncodedLabels { get; }

    /// <summary>Output values per row: one per class, or one.</summary>
    public int OutputWidth { get; }

    /// <summary>A source column's index in <see cref="Features"/>, looked up without allocating.</summary>
    public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Columns { get; }

    /// <summary>The feature names, for messages (the first few when there are many).</summary>
    public string DescribeColumns(int max = 12) =>
        Features.Length <= max
            ? string.Join(", ", Features.Select(f => $"'{f.Column}'"))
            : string.Join(", ", Features.Take(max).Select(f => $"'{f.Column}'")) + $" and {Features.Length - max} more";
}

/// <summary>One source column of a model's input, with its categories indexed for lookups by text.</summary>
internal sealed class SchemaFeature
{
    private readonly Dictionary<string, int>? _categories;

    public SchemaFeature(ExportedFeature feature)
    {
        Column = feature.Column;
        Type = feature.Type;
        Encoding = feature.Encoding;
        Offset = feature.Offset;
        Width = feature.Width;
        Categories = feature.Categories;
        if (feature.Encoding is FeatureEncoding.OneHot or FeatureEncoding.Ordinal)
        {
            var categories = feature.Categories ?? throw new InvalidDataException($"Feature '{feature.Column}' is {feature.Encoding} but lists no categories.");
            _categories = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < categories.Count; i++)
            {
                _categories[categories[i]] = i;
            }

            CategoryLookup = _categories.GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    public string Column { get; }

    public ColumnType Type { get; }

    public FeatureEncoding Encoding { get; }

    public int Offset { get; }

    public int Width { get; }

    public IReadOnlyList<string>? Categories { get; }

    /// <summary>For one-hot and ordinal features: a category's index by its text.</summary>
    public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> CategoryLookup { get; }

    public string DescribeCategories(int max = 12) =>
        Categories is null ? "" : Categories.Count <= max
            ? string.Join(", ", Categories.Select(c => $"'{c}'"))
            : string.Join(", ", Categories.Take(max).Select(c => $"'{c}'")) + $" and {Categories.Count - max} more";
}
