using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>Builds a <see cref="TrainingBaseline"/> from an export's training features and the model's scores on a sample of them.</summary>
public static class BaselineSampler
{
    /// <summary>
    /// At most <paramref name="maxRows"/> rows taken at even steps through the matrix: deterministic, and spread over
    /// the whole part even when its rows are ordered.
    /// </summary>
    public static NpyArray<float> EvenlySpaced(NpyArray<float> x, int features, int maxRows)
    {
        var rows = x.Shape[0];
        if (rows <= maxRows)
        {
            return x;
        }

        var sample = new float[maxRows * features];
        for (var i = 0; i < maxRows; i++)
        {
            var row = (int)((long)i * rows / maxRows);
            x.Values.AsSpan(row * features, features).CopyTo(sample.AsSpan(i * features, features));
        }

        return new NpyArray<float>([maxRows, features], sample);
    }

    /// <summary>The baseline of the sampled rows and the model's scores on them (probabilities or predicted values).</summary>
    public static TrainingBaseline Describe(ExportManifest manifest, NpyArray<float> train, NpyArray<float> sample, double[] scores)
    {
        var rows = sample.Shape[0];
        var features = new FeatureBaseline[manifest.FeatureCount];
        for (var f = 0; f < features.Length; f++)
        {
            var values = new float[rows];
            for (var r = 0; r < rows; r++)
            {
                values[r] = sample.Values[r * manifest.FeatureCount + f];
            }

            var (min, max) = Range(train, manifest.FeatureCount, f);
            features[f] = new FeatureBaseline(manifest.FeatureNames[f], Mean(values), StdDev(values), min, max, Sorted(values));
        }

        return new TrainingBaseline(rows, train.Shape[0], features, Predictions(manifest, rows, scores), LiveCategoricals.Baseline(manifest, train.Values, train.Shape[0]));
    }

    private static PredictionBaseline Predictions(ExportManifest manifest, int rows, double[] scores)
    {
        if (manifest.Task == ModelTask.Regression)
        {
            return new PredictionBaseline(null, Sorted(Array.ConvertAll(scores, s => (float)s)));
        }

        // The same top class and confidence that live windows are read with, so both sides are measured alike.
        var top = LivePredictions.FromProbabilities(Array.ConvertAll(scores, s => (float)s), manifest.ClassLabels!.Count);
        var counts = new long[manifest.ClassLabels.Count];
        foreach (var predicted in top.Classes!)
        {
            counts[predicted]++;
        }

        return new PredictionBaseline(Array.ConvertAll(counts, n => rows == 0 ? 0 : (double)n / rows), Sorted(top.Values));
    }

    private static (double Min, double Max) Range(NpyArray<float> x, int features, int column)
    {
        var (min, max) = (double.PositiveInfinity, double.NegativeInfinity);
        for (var i = column; i < x.Values.Length; i += features)
        {
            min = Math.Min(min, x.Values[i]);
            max = Math.Max(max, x.Values[i]);
        }

        return (min, max);
    }

    private static double Mean(float[] values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        return values.Length == 0 ? 0 : sum / values.Length;
    }

    private static double StdDev(float[] values)
    {
        var mean = Mean(values);
        var squares = 0.0;
        foreach (var v in values)
        {
            squares += (v - mean) * (v - mean);
        }

        return values.Length == 0 ? 0 : Math.Sqrt(squares / values.Length);
    }

    private static float[] Sorted(float[] values)
    {
        Array.Sort(values);
        return values;
    }
}
