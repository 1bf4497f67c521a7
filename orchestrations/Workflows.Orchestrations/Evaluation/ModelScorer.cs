using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Onnx;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Evaluation;

/// <summary>
/// Runs a trained ONNX model over whole feature matrices through ONNX Runtime, in chunks so memory stays bounded,
/// and turns its output into what the metrics read: per-class probabilities, or predicted values.
/// </summary>
public sealed class ModelScorer(OnnxRuntime runtime)
{
    /// <summary>Rows per Run: large enough to amortize the call, small enough to bound the output buffers.</summary>
    private const int ChunkRows = 4096;

    /// <summary>
    /// Scores <paramref name="x"/> (rows × the manifest's features, float32, C order) with the model in
    /// <paramref name="modelFile"/>: for classification, rows × classes probabilities; for regression, one value per row.
    /// </summary>
    /// <exception cref="InvalidDataException">The model's input or output does not fit the manifest's layout.</exception>
    public double[] Score(string modelFile, ExportManifest manifest, NpyArray<float> x)
    {
        using var session = runtime.CreateSession(modelFile);
        var input = session.Inputs.Count == 1 ? session.Inputs[0]
            : throw new InvalidDataException($"{modelFile} takes {session.Inputs.Count} inputs; a Workflows model takes one (rows × features).");
        if (input.Shape is not [_, var width] || (width >= 0 && width != manifest.FeatureCount))
        {
            throw new InvalidDataException($"{modelFile} takes input '{input.Name}' of shape [{string.Join(", ", input.Shape)}]; the data has {manifest.FeatureCount} features per row.");
        }

        var rows = x.Shape[0];
        var columns = manifest.Task == ModelTask.Classification ? manifest.ClassLabels!.Count : 1;
        var scores = new double[(long)rows * columns];
        for (var start = 0; start < rows; start += ChunkRows)
        {
            var count = Math.Min(ChunkRows, rows - start);
            using var chunk = runtime.CreateTensor(x.Values.AsMemory(start * manifest.FeatureCount, count * manifest.FeatureCount), count, manifest.FeatureCount);
            var output = session.Run((input.Name, chunk))[0];
            var values = output.As<float>();
            if (values.Length != count * columns)
            {
                throw new InvalidDataException($"{modelFile} answered {count} rows with output '{output.Name}' of shape [{string.Join(", ", output.Shape)}]; expected {columns} value(s) per row.");
            }

            for (var i = 0; i < values.Length; i++)
            {
                scores[(long)start * columns + i] = values[i];
            }
        }

        return scores;
    }

    /// <summary>The model's metrics on one part of an export: its scores against the part's labels.</summary>
    public static EvaluationReport Evaluate(ExportManifest manifest, double[] scores, NpyArray<double> truth) =>
        manifest.Task == ModelTask.Classification
            ? ClassificationMetrics.Compute(Array.ConvertAll(truth.Values, v => (long)v), scores, manifest.ClassLabels!)
            : RegressionMetrics.Compute(truth.Values, scores);
}
