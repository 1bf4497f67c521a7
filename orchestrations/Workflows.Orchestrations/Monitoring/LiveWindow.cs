namespace Workflows.Orchestrations.Monitoring;

/// <summary>The logged live traffic one drift check looks at.</summary>
/// <param name="Rows">Rows in the window.</param>
/// <param name="Columns">
/// One array of <paramref name="Rows"/> values per feature, in the model's input order (as scored); NaN for a missing
/// value. Columnar because a check works feature by feature: each column is read as one contiguous run.
/// </param>
/// <param name="From">Start of the window (reported, not used).</param>
/// <param name="To">End of the window (reported, not used).</param>
/// <param name="Categoricals">Categorical source columns, matched to the baseline's by name; null for none.</param>
/// <param name="Predictions">The model's outputs on these rows; null when not logged.</param>
public sealed record LiveWindow(
    int Rows,
    IReadOnlyList<float[]> Columns,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<LiveCategoricalColumn>? Categoricals = null,
    LivePredictions? Predictions = null);

/// <summary>One categorical column of the window, dictionary-encoded (a million strings would dwarf the rest).</summary>
/// <param name="Name">The source column's name.</param>
/// <param name="Categories">The distinct values seen in the window.</param>
/// <param name="Codes">Per row, an index into <paramref name="Categories"/>, or -1 for a missing value.</param>
public sealed record LiveCategoricalColumn(string Name, IReadOnlyList<string> Categories, int[] Codes)
{
    /// <summary>Encodes raw values; null or empty is missing.</summary>
    public static LiveCategoricalColumn FromValues(string name, IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var categories = new List<string>();
        var codes = new int[values.Count];
        for (var r = 0; r < codes.Length; r++)
        {
            var value = values[r];
            if (string.IsNullOrEmpty(value))
            {
                codes[r] = -1;
                continue;
            }

            if (!index.TryGetValue(value, out var code))
            {
                code = categories.Count;
                index.Add(value, code);
                categories.Add(value);
            }

            codes[r] = code;
        }

        return new LiveCategoricalColumn(name, categories, codes);
    }
}

/// <summary>The model's outputs on the window's rows.</summary>
/// <param name="Classes">Classification: the predicted class index per row; null for regression.</param>
/// <param name="Values">Classification: the top-class probability per row; regression: the predicted value; NaN when missing.</param>
public sealed record LivePredictions(int[]? Classes, float[] Values)
{
    /// <summary>From class probabilities, row-major rows × <paramref name="classes"/>: the top class (first on ties) and its probability.</summary>
    public static LivePredictions FromProbabilities(ReadOnlySpan<float> probabilities, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        var rows = probabilities.Length / classes;
        var top = new int[rows];
        var confidence = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            var row = probabilities.Slice(r * classes, classes);
            var best = 0;
            for (var c = 1; c < classes; c++)
            {
                best = row[c] > row[best] ? c : best;
            }

            top[r] = best;
            confidence[r] = row[best];
        }

        return new LivePredictions(top, confidence);
    }

    /// <summary>Regression outputs.</summary>
    public static LivePredictions FromValues(float[] values) => new(null, values);
}
