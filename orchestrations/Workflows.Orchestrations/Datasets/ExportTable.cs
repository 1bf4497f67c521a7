using System.Globalization;
using System.Text;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// A canonical CSV loaded for export: one float per feature cell (numbers and booleans as values, NaN when missing,
/// categories as their index in first-seen order) and one label per row. This is the training set, so it is held in
/// memory; the CSV is streamed.
/// </summary>
internal sealed class ExportTable
{
    private float[] _cells = new float[1024];

    private ExportTable(IReadOnlyList<SchemaColumn> features)
    {
        Features = features;
        Vocabularies = features.Select(f => f.Type == ColumnType.Categorical ? new Dictionary<string, int>(StringComparer.Ordinal) : null).ToArray();
    }

    public IReadOnlyList<SchemaColumn> Features { get; }

    /// <summary>Per feature: category to first-seen index, for categorical features; else null.</summary>
    public Dictionary<string, int>?[] Vocabularies { get; }

    /// <summary>Classification: label to first-seen index.</summary>
    public Dictionary<string, int> Labels { get; } = new(StringComparer.Ordinal);

    public List<int> LabelIndexes { get; } = [];

    public List<float> Targets { get; } = [];

    public int Rows { get; private set; }

    public long DroppedRows { get; private set; }

    public ReadOnlySpan<float> Row(int row) => _cells.AsSpan(row * Features.Count, Features.Count);

    public static async Task<ExportTable> LoadAsync(string path, DatasetSchema schema, CancellationToken cancellationToken)
    {
        var table = new ExportTable(schema.Features.ToArray());
        int[] featureIndexes = [];
        var targetIndex = -1;
        var error = await CsvFile.ReadRowsAsync(path, reader =>
        {
            if (reader.RowsRead == 1)
            {
                var header = Enumerable.Range(0, reader.FieldCount).Select(i => Encoding.UTF8.GetString(reader.Field(i))).ToList();
                featureIndexes = table.Features.Select(f => IndexOf(header, f.Name)).ToArray();
                targetIndex = IndexOf(header, schema.Target);
                return;
            }

            table.AddRow(reader, featureIndexes, targetIndex, schema.Task);
        }, null, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            throw new InvalidDataException($"{path} is not a canonical CSV: {CsvFile.Describe(error, null)}");
        }

        return table;
    }

    private static int IndexOf(List<string> header, string name)
    {
        var index = header.IndexOf(name);
        return index >= 0 ? index : throw new InvalidDataException($"the canonical CSV has no column '{name}' (its columns: {string.Join(", ", header)})");
    }

    private void AddRow(CsvRowReader reader, int[] featureIndexes, int targetIndex, ModelTask task)
    {
        var label = reader.Field(targetIndex);
        if (label.IsEmpty)
        {
            DroppedRows++;
            return;
        }

        if (task == ModelTask.Classification)
        {
            var text = Encoding.UTF8.GetString(label);
            if (!Labels.TryGetValue(text, out var index))
            {
                Labels[text] = index = Labels.Count;
            }

            LabelIndexes.Add(index);
        }
        else
        {
            Targets.Add((float)ParseNumber(label, reader));
        }

        var width = Features.Count;
        if ((Rows + 1) * width > _cells.Length)
        {
            Array.Resize(ref _cells, Math.Max(_cells.Length * 2, (Rows + 1) * width));
        }

        var cells = _cells.AsSpan(Rows * width, width);
        for (var i = 0; i < width; i++)
        {
            cells[i] = Cell(i, reader.Field(featureIndexes[i]), reader);
        }

        Rows++;
    }

    private float Cell(int feature, ReadOnlySpan<byte> value, CsvRowReader reader)
    {
        if (value.IsEmpty)
        {
            return float.NaN;
        }

        switch (Features[feature].Type)
        {
            case ColumnType.Boolean:
                return value.SequenceEqual("true"u8) ? 1 : 0;
            case ColumnType.Categorical:
                var vocabulary = Vocabularies[feature]!;
                var text = Encoding.UTF8.GetString(value);
                if (!vocabulary.TryGetValue(text, out var index))
                {
                    vocabulary[text] = index = vocabulary.Count;
                }

                return index;
            default:
                return (float)ParseNumber(value, reader);
        }
    }

    private static double ParseNumber(ReadOnlySpan<byte> value, CsvRowReader reader) =>
        Utf8Values.TryParseDouble(value, out var number, out _, out _)
            ? number
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"line {reader.RowLine}: '{Encoding.UTF8.GetString(value)}' is not a number; export reads canonical CSVs that passed inspection"));
}
