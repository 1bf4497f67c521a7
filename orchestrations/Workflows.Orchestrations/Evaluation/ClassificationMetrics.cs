using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Evaluation;

/// <summary>
/// Classification metrics as the trainers compute them (gpu-worker/trainers/workflows_trainer/metrics.py, which follows
/// scikit-learn): the prediction is the most probable class (the first on a tie, as argmax picks it); macro averages
/// cover the classes found in the truth or the predictions; a ratio whose denominator is 0 is 0.
/// </summary>
public static class ClassificationMetrics
{
    /// <summary>Log loss clips probabilities to [ε, 1 − ε] so a confident mistake costs −log ε instead of infinity.</summary>
    public const double LogLossEpsilon = 1e-15;

    /// <summary>Evaluates per-class <paramref name="probabilities"/> against true class indices.</summary>
    /// <param name="truth">The true class of each row: an index into <paramref name="classLabels"/> (an export's int64 y).</param>
    /// <param name="probabilities">Row-major (rows, classes): each row's probability of each class, as the model outputs them.</param>
    /// <param name="classLabels">The label of each class index, as the export's manifest lists them.</param>
    /// <exception cref="ArgumentException">
    /// No rows or labels, <paramref name="probabilities"/> not rows × classes, a class index out of range, or a NaN or
    /// infinite probability.
    /// </exception>
    public static EvaluationReport Compute(ReadOnlySpan<long> truth, ReadOnlySpan<double> probabilities, IReadOnlyList<string> classLabels)
    {
        ArgumentNullException.ThrowIfNull(classLabels);
        var rows = truth.Length;
        var classes = classLabels.Count;
        EvaluationInput.RequireRows(rows, nameof(truth));
        if (classes == 0)
        {
            throw new ArgumentException("there are no class labels", nameof(classLabels));
        }

        if (probabilities.Length != (long)rows * classes)
        {
            throw new ArgumentException(
                $"probabilities hold {probabilities.Length} values, not rows × classes = {rows} × {classes} = {(long)rows * classes}", nameof(probabilities));
        }

        EvaluationInput.RequireFinite(probabilities, classes, nameof(probabilities));

        var confusion = new long[classes][];
        for (var c = 0; c < classes; c++)
        {
            confusion[c] = new long[classes];
        }

        var confidence = new double[rows];
        var outcome = new bool[rows];
        for (var row = 0; row < rows; row++)
        {
            var label = truth[row];
            if ((ulong)label >= (ulong)classes)
            {
                throw new ArgumentException($"truth[{row}] is {label}, not a class index in [0, {classes})", nameof(truth));
            }

            var scores = probabilities.Slice(row * classes, classes);
            var predicted = ArgMax(scores);
            confusion[label][predicted]++;

            // Binary: how likely class 1 is against whether it is; multiclass: the prediction's confidence against whether it is right.
            (confidence[row], outcome[row]) = classes == 2 ? (scores[1], label == 1) : (scores[predicted], predicted == label);
        }

        var table = ClassTable.From(confusion, classLabels);
        var metrics = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var name in KnownMetrics.For(ModelTask.Classification))
        {
            var value = name switch
            {
                "accuracy" => table.Accuracy,
                "balanced_accuracy" => table.BalancedAccuracy,
                "precision_macro" => table.MacroPrecision,
                "recall_macro" => table.MacroRecall,
                "f1_macro" => table.MacroF1,
                "f1_weighted" => table.WeightedF1,
                "roc_auc" => RocAuc.Compute(truth, probabilities, classes),
                "log_loss" => LogLoss(truth, probabilities, classes),
                _ => throw new InvalidOperationException($"KnownMetrics lists the classification metric '{name}', which ClassificationMetrics does not compute"),
            };
            metrics[name] = double.IsNaN(value) ? null : value;
        }

        var calibration = Calibration.Compute(classes == 2 ? CalibrationTarget.PositiveClass : CalibrationTarget.TopLabel, confidence, outcome);
        return new EvaluationReport(ModelTask.Classification, rows, metrics, table.PerClass, confusion, calibration);
    }

    /// <summary>
    /// Evaluates float32 probabilities, as an ONNX model outputs them; they are widened exactly, so the metrics are those
    /// of the same values in float64.
    /// </summary>
    /// <inheritdoc cref="Compute(ReadOnlySpan{long}, ReadOnlySpan{double}, IReadOnlyList{string})"/>
    public static EvaluationReport Compute(ReadOnlySpan<long> truth, ReadOnlySpan<float> probabilities, IReadOnlyList<string> classLabels) =>
        Compute(truth, Widening.ToDoubles(probabilities), classLabels);

    /// <summary>The mean negative log-likelihood of the true class, on probabilities clipped and then renormalized per row.</summary>
    private static double LogLoss(ReadOnlySpan<long> truth, ReadOnlySpan<double> probabilities, int classes)
    {
        var total = 0.0;
        for (var row = 0; row < truth.Length; row++)
        {
            var scores = probabilities.Slice(row * classes, classes);
            var sum = 0.0;
            foreach (var score in scores)
            {
                sum += Clip(score);
            }

            total -= Math.Log(Clip(scores[(int)truth[row]]) / sum);
        }

        return total / truth.Length;
    }

    private static double Clip(double probability) => Math.Clamp(probability, LogLossEpsilon, 1 - LogLossEpsilon);

    /// <summary>The first index of the largest score, as NumPy's argmax breaks ties.</summary>
    private static int ArgMax(ReadOnlySpan<double> scores)
    {
        var best = 0;
        for (var c = 1; c < scores.Length; c++)
        {
            if (scores[c] > scores[best])
            {
                best = c;
            }
        }

        return best;
    }
}
