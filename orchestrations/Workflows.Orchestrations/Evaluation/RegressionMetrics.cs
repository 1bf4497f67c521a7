using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Evaluation;

/// <summary>
/// Regression metrics as the trainers compute them (scikit-learn's definitions): errors in the target's own units,
/// r2 of a constant target 1 for a perfect fit else 0, mape a fraction (0.1 = 10 %).
/// </summary>
public static class RegressionMetrics
{
    /// <summary>NumPy's float64 eps (2^-52), the floor on |target| that keeps mape finite where the target is 0, as the trainer and scikit-learn floor it.</summary>
    private static readonly double MachineEpsilon = Math.BitIncrement(1.0) - 1.0;

    /// <summary>Evaluates <paramref name="predictions"/> against <paramref name="truth"/>, row by row.</summary>
    /// <exception cref="ArgumentException">Either is empty, their lengths differ, or a value is NaN or infinite.</exception>
    public static EvaluationReport Compute(ReadOnlySpan<double> truth, ReadOnlySpan<double> predictions)
    {
        EvaluationInput.RequireRows(truth.Length, nameof(truth));
        if (predictions.Length != truth.Length)
        {
            throw new ArgumentException($"predictions hold {predictions.Length} values for {truth.Length} rows of truth", nameof(predictions));
        }

        EvaluationInput.RequireFinite(truth, 1, nameof(truth));
        EvaluationInput.RequireFinite(predictions, 1, nameof(predictions));

        var mean = 0.0;
        foreach (var value in truth)
        {
            mean += value;
        }

        mean /= truth.Length;
        double squared = 0, absolute = 0, relative = 0, total = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            var error = predictions[i] - truth[i];
            squared += error * error;
            absolute += Math.Abs(error);
            relative += Math.Abs(error) / Math.Max(Math.Abs(truth[i]), MachineEpsilon);
            total += (truth[i] - mean) * (truth[i] - mean);
        }

        var mse = squared / truth.Length;

        // A constant target has no variance to explain: 1 for a perfect fit, else 0 (scikit-learn's force_finite).
        var r2 = total > 0 ? 1 - squared / total : squared == 0 ? 1 : 0;
        var metrics = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var name in KnownMetrics.For(ModelTask.Regression))
        {
            metrics[name] = name switch
            {
                "rmse" => Math.Sqrt(mse),
                "mae" => absolute / truth.Length,
                "mse" => mse,
                "r2" => r2,
                "mape" => relative / truth.Length,
                _ => throw new InvalidOperationException($"KnownMetrics lists the regression metric '{name}', which RegressionMetrics does not compute"),
            };
        }

        return new EvaluationReport(ModelTask.Regression, truth.Length, metrics);
    }

    /// <summary>Evaluates float32 predictions, as an ONNX model outputs them; they are widened exactly.</summary>
    /// <inheritdoc cref="Compute(ReadOnlySpan{double}, ReadOnlySpan{double})"/>
    public static EvaluationReport Compute(ReadOnlySpan<double> truth, ReadOnlySpan<float> predictions) =>
        Compute(truth, Widening.ToDoubles(predictions));
}
