using Workflows.Orchestrations.Datasets;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// The categorical source columns of rows as the model reads them: a one-hot block back to its category (none lit is
/// a missing value), an ordinal code back to its category. The chi-square test and the unseen-category count work on
/// these, beside the per-column numeric tests.
/// </summary>
public static class LiveCategoricals
{
    /// <summary>The categorical columns of a window, from its feature columns (<see cref="LiveWindow.Columns"/>).</summary>
    public static IReadOnlyList<LiveCategoricalColumn>? From(ExportManifest manifest, IReadOnlyList<float[]> features, int rows) =>
        From(manifest, rows, (row, feature) => features[feature][row]);

    /// <summary>The training categories of a source's categorical columns, from row-major rows as the model reads them.</summary>
    public static IReadOnlyList<CategoricalBaseline>? Baseline(ExportManifest manifest, float[] features, int rows)
    {
        if (From(manifest, rows, (row, feature) => features[((long)row * manifest.FeatureCount) + feature]) is not { } columns)
        {
            return null;
        }

        return [.. columns.Select(column =>
        {
            var counts = new long[column.Categories.Count];
            var present = 0L;
            foreach (var code in column.Codes)
            {
                if (code >= 0)
                {
                    counts[code]++;
                    present++;
                }
            }

            return new CategoricalBaseline(column.Name, column.Categories, [.. counts.Select(c => present == 0 ? 0 : (double)c / present)]);
        })];
    }

    // Reads the categorical blocks only, through value(row, feature), whatever the layout of the rest.
    private static List<LiveCategoricalColumn>? From(ExportManifest manifest, int rows, Func<int, int, float> value)
    {
        var columns = new List<LiveCategoricalColumn>();
        foreach (var feature in manifest.Features)
        {
            if (feature.Categories is not { } categories || feature.Encoding is not (FeatureEncoding.OneHot or FeatureEncoding.Ordinal))
            {
                continue;
            }

            var codes = new int[rows];
            var block = new float[feature.Width];
            for (var r = 0; r < rows; r++)
            {
                for (var k = 0; k < block.Length; k++)
                {
                    block[k] = value(r, feature.Offset + k);
                }

                codes[r] = feature.Encoding == FeatureEncoding.OneHot ? Lit(block) : Ordinal(block[0], categories.Count);
            }

            columns.Add(new LiveCategoricalColumn(feature.Column, categories, codes));
        }

        return columns.Count == 0 ? null : columns;
    }

    private static int Lit(ReadOnlySpan<float> block)
    {
        for (var i = 0; i < block.Length; i++)
        {
            if (block[i] > 0.5f)
            {
                return i;
            }
        }

        return -1;
    }

    // An ordinal column's missing value is filled with the train mean, which need not be a whole code: round it.
    private static int Ordinal(float code, int categories) =>
        float.IsNaN(code) ? -1 : Math.Clamp((int)MathF.Round(code), 0, categories - 1);
}
