using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>Where each feature column goes in X, and the encoding of rows into it.</summary>
internal sealed class FeatureLayout
{
    private readonly int[][] _sortedIndexOfFirstSeen;

    private FeatureLayout(ExportedFeature[] features, int[][] sortedIndexOfFirstSeen)
    {
        Features = features;
        _sortedIndexOfFirstSeen = sortedIndexOfFirstSeen;
        Width = features.Sum(f => f.Width);
        Names = features.SelectMany(f => f.Encoding == FeatureEncoding.OneHot ? f.Categories!.Select(c => $"{f.Column}={c}") : [f.Column]).ToArray();
    }

    public ExportedFeature[] Features { get; }

    public string[] Names { get; }

    public int Width { get; }

    public static FeatureLayout Create(ExportTable table)
    {
        var features = new ExportedFeature[table.Features.Count];
        var sortedIndex = new int[features.Length][];
        var offset = 0;
        for (var i = 0; i < features.Length; i++)
        {
            var column = table.Features[i];
            var vocabulary = table.Vocabularies[i];
            sortedIndex[i] = [];
            if (vocabulary is null)
            {
                features[i] = new ExportedFeature(column.Name, column.Type, column.Type == ColumnType.Boolean ? FeatureEncoding.Boolean : FeatureEncoding.Numeric, offset, 1, null);
            }
            else
            {
                var categories = vocabulary.Keys.Order(StringComparer.Ordinal).ToArray();
                sortedIndex[i] = new int[categories.Length];
                for (var c = 0; c < categories.Length; c++)
                {
                    sortedIndex[i][vocabulary[categories[c]]] = c;
                }

                var oneHot = categories.Length <= DatasetExporter.MaxOneHotCategories;
                features[i] = new ExportedFeature(column.Name, column.Type, oneHot ? FeatureEncoding.OneHot : FeatureEncoding.Ordinal, offset, oneHot ? categories.Length : 1, categories);
            }

            offset += features[i].Width;
        }

        return new FeatureLayout(features, sortedIndex);
    }

    /// <summary>Per raw feature cell, the mean over the train rows of its non-missing values (0 when all are missing).</summary>
    public float[] TrainMeansOfRawCells(ExportTable table, int[] trainRows)
    {
        var means = new float[Features.Length];
        for (var f = 0; f < Features.Length; f++)
        {
            var moments = new StreamingMoments();
            foreach (var row in trainRows)
            {
                var cell = table.Row(row)[f];
                if (!float.IsNaN(cell))
                {
                    moments.Add(Features[f].Encoding == FeatureEncoding.Ordinal ? _sortedIndexOfFirstSeen[f][(int)cell] : cell);
                }
            }

            means[f] = (float)moments.Mean;
        }

        return means;
    }

    /// <summary>The rows, in the given order, as a C-order float32 matrix of <see cref="Width"/> columns.</summary>
    public float[] Encode(ExportTable table, int[] rows, float[] fill)
    {
        var x = new float[rows.Length * Width];
        for (var r = 0; r < rows.Length; r++)
        {
            var cells = table.Row(rows[r]);
            var output = x.AsSpan(r * Width, Width);
            for (var f = 0; f < Features.Length; f++)
            {
                var feature = Features[f];
                var cell = cells[f];
                switch (feature.Encoding)
                {
                    case FeatureEncoding.OneHot:
                        if (!float.IsNaN(cell))
                        {
                            output[feature.Offset + _sortedIndexOfFirstSeen[f][(int)cell]] = 1;
                        }

                        break;
                    case FeatureEncoding.Ordinal:
                        output[feature.Offset] = float.IsNaN(cell) ? fill[f] : _sortedIndexOfFirstSeen[f][(int)cell];
                        break;
                    default:
                        output[feature.Offset] = float.IsNaN(cell) ? fill[f] : cell;
                        break;
                }
            }
        }

        return x;
    }
}
