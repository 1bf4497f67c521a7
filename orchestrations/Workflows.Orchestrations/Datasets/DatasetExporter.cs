using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Turns a canonical CSV into training-ready NumPy arrays: a deterministic (optionally stratified) split, features as
/// float32 (categoricals one-hot up to <see cref="MaxOneHotCategories"/> categories, ordinal beyond), labels as int64
/// class indices or float32 targets, and a manifest with the train-only normalization.
/// </summary>
public static class DatasetExporter
{
    /// <summary>
    /// Categorical columns with at most this many categories are one-hot: no false order between categories, and the
    /// width stays small. Wider ones (ids, zip codes) are ordinal-encoded rather than blowing X up.
    /// </summary>
    public const int MaxOneHotCategories = 32;

    private const int ManifestVersion = 1;

    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// Exports <paramref name="canonicalCsvPath"/> (a file <see cref="DatasetInspector"/> wrote) into
    /// <paramref name="outputDirectory"/>: X_train.npy, y_train.npy, X_val.npy, y_val.npy, X_test.npy, y_test.npy and
    /// manifest.json. The same file, schema and seed always give byte-identical files.
    /// </summary>
    public static async Task<ExportManifest> ExportAsync(
        string canonicalCsvPath, DatasetSchema schema, DatasetDefinition dataset, SplitDefinition split, string outputDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(split);
        var table = await ExportTable.LoadAsync(canonicalCsvPath, schema, cancellationToken).ConfigureAwait(false);
        var sha256 = await HashFileAsync(canonicalCsvPath, cancellationToken).ConfigureAwait(false);
        var layout = FeatureLayout.Create(table);
        var classification = schema.Task == ModelTask.Classification;
        var classLabels = classification ? SortedLabels(table, schema) : null;
        var labelOfRow = classLabels is null ? null : LabelIndexes(table, classLabels);
        var (train, validation, test) = DatasetSplitter.Split(table.Rows, labelOfRow, split);

        var fill = layout.TrainMeansOfRawCells(table, train);
        var xTrain = layout.Encode(table, train, fill);
        var (mean, stdDev) = Normalization(xTrain, layout.Width);

        Directory.CreateDirectory(outputDirectory);
        var files = ExportFiles.Default;
        await WritePartAsync(outputDirectory, files.XTrain, files.YTrain, xTrain, train, layout.Width, table, labelOfRow, cancellationToken).ConfigureAwait(false);
        await WritePartAsync(outputDirectory, files.XValidation, files.YValidation, layout.Encode(table, validation, fill), validation, layout.Width, table, labelOfRow, cancellationToken).ConfigureAwait(false);
        await WritePartAsync(outputDirectory, files.XTest, files.YTest, layout.Encode(table, test, fill), test, layout.Width, table, labelOfRow, cancellationToken).ConfigureAwait(false);

        var manifest = new ExportManifest(
            ManifestVersion,
            schema.Task,
            schema.Target,
            layout.Names,
            layout.Width,
            layout.Features,
            mean,
            stdDev,
            classLabels,
            dataset.Format == DatasetFormat.ImageCsv ? dataset.Image : null,
            new ExportRowCounts(train.Length, validation.Length, test.Length),
            table.DroppedRows,
            files,
            split.Seed,
            classification && split.Stratify,
            sha256,
            $"categorical columns with at most {MaxOneHotCategories} categories are one-hot (sorted categories, all zeros when missing); wider ones are ordinal (index in the sorted categories)",
            "numeric, boolean and ordinal values that are missing are the train part's mean of that column; rows with an empty label are dropped");
        var manifestFile = new FileStream(Path.Combine(outputDirectory, ExportManifest.FileName), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (manifestFile.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(manifestFile, manifest, ManifestJson, cancellationToken).ConfigureAwait(false);
        }

        return manifest;
    }

    /// <summary>Labels sorted numerically when the target is numeric ("2" before "10"), else ordinally.</summary>
    private static string[] SortedLabels(ExportTable table, DatasetSchema schema)
    {
        var numeric = schema.Columns.FirstOrDefault(c => c.Name == schema.Target)?.Type is ColumnType.Integer or ColumnType.Numeric;
        var labels = table.Labels.Keys;
        return numeric
            ? [.. labels.OrderBy(l => double.Parse(l, CultureInfo.InvariantCulture)).ThenBy(l => l, StringComparer.Ordinal)]
            : [.. labels.Order(StringComparer.Ordinal)];
    }

    private static int[] LabelIndexes(ExportTable table, string[] classLabels)
    {
        var sortedIndex = new int[classLabels.Length];
        for (var i = 0; i < classLabels.Length; i++)
        {
            sortedIndex[table.Labels[classLabels[i]]] = i;
        }

        return table.LabelIndexes.Select(first => sortedIndex[first]).ToArray();
    }

    private static (double[] Mean, double[] StdDev) Normalization(float[] x, int width)
    {
        var moments = Enumerable.Range(0, width).Select(_ => new StreamingMoments()).ToArray();
        for (var i = 0; i < x.Length; i++)
        {
            moments[i % width].Add(x[i]);
        }

        return (moments.Select(m => m.Mean).ToArray(), moments.Select(m => m.StdDev > 0 ? m.StdDev : 1).ToArray());
    }

    private static async Task WritePartAsync(
        string directory, string xFile, string yFile, float[] x, int[] rows, int width, ExportTable table, int[]? labelOfRow, CancellationToken cancellationToken)
    {
        await NpyWriter.WriteFloat32Async(Path.Combine(directory, xFile), x, [rows.Length, width], cancellationToken).ConfigureAwait(false);
        var yPath = Path.Combine(directory, yFile);
        if (labelOfRow is not null)
        {
            await NpyWriter.WriteInt64Async(yPath, rows.Select(r => (long)labelOfRow[r]).ToArray(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await NpyWriter.WriteFloat32Async(yPath, rows.Select(r => table.Targets[r]).ToArray(), [rows.Length], cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
        }
    }
}
