namespace Workflows.Orchestrations.Tests.Evaluation;

/// <summary>Generated class indices and row-major probabilities that lean towards the true class, so the metrics are informative.</summary>
internal sealed record ClassificationCase(string Name, long[] Truth, double[] Probabilities, string[] Labels)
{
    /// <param name="name">Says what the case covers in a failure message.</param>
    /// <param name="seed">Makes the case the same on every run.</param>
    /// <param name="rows">Rows to generate.</param>
    /// <param name="classes">Probability columns.</param>
    /// <param name="trueClasses">Truth drawn from the first this many classes only (default all).</param>
    /// <param name="quantize">Weights are whole numbers 1 to 5, so many scores tie.</param>
    /// <param name="unlikelyClass">A class whose weight is always the smallest, so it is never predicted.</param>
    public static ClassificationCase Generate(string name, int seed, int rows, int classes, int? trueClasses = null, bool quantize = false, int? unlikelyClass = null)
    {
        var random = new Random(seed);
        var truth = new long[rows];
        var probabilities = new double[rows * classes];
        var weights = new double[classes];
        for (var row = 0; row < rows; row++)
        {
            truth[row] = random.Next(trueClasses ?? classes);
            var sum = 0.0;
            for (var c = 0; c < classes; c++)
            {
                var weight = random.NextDouble() + (c == truth[row] ? 0.6 * random.NextDouble() : 0);
                weights[c] = c == unlikelyClass ? 0.001 : quantize ? Math.Round(weight * 3) + 1 : weight + 0.01;
                sum += weights[c];
            }

            for (var c = 0; c < classes; c++)
            {
                probabilities[row * classes + c] = weights[c] / sum;
            }
        }

        return new ClassificationCase(name, truth, probabilities, [.. Enumerable.Range(0, classes).Select(c => $"class {c}")]);
    }

    /// <summary>The probabilities as rows, the shape scikit-learn takes.</summary>
    public double[][] Rows() => [.. Probabilities.Chunk(Labels.Length)];
}
