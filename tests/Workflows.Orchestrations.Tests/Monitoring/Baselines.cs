using Workflows.Orchestrations.Monitoring;

namespace Workflows.Orchestrations.Tests.Monitoring;

/// <summary>Training baselines built from generated columns, the way BaselineSampler describes an export.</summary>
internal static class Baselines
{
    public static TrainingBaseline Of(float[][] columns, PredictionBaseline? predictions = null, IReadOnlyList<CategoricalBaseline>? categoricals = null)
    {
        var features = new FeatureBaseline[columns.Length];
        for (var f = 0; f < columns.Length; f++)
        {
            var values = columns[f];
            var mean = values.Average(v => (double)v);
            var sd = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
            features[f] = new FeatureBaseline($"f{f}", mean, sd, values.Min(), values.Max(), Samples.Sorted(values));
        }

        return new TrainingBaseline(columns[0].Length, columns[0].Length, features, predictions ?? new PredictionBaseline(null, [0f]), categoricals);
    }

    public static LiveWindow Window(float[][] columns, IReadOnlyList<LiveCategoricalColumn>? categoricals = null, LivePredictions? predictions = null) =>
        new(columns[0].Length, columns, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1), categoricals, predictions);

    public static float[][] NormalColumns(Random random, int features, int rows, double mean = 0) =>
        [.. Enumerable.Range(0, features).Select(_ => Samples.Normal(random, rows, mean))];
}
