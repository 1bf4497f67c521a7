using System.Text.Json.Serialization;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Evaluation;

/// <summary>
/// A model's metrics on one split, as the evaluate stage records them and the gate reads them. Serializes with
/// System.Text.Json as is: an undefined metric (a ROC AUC with one class in the truth) is null rather than NaN, which
/// JSON cannot hold; the classification-only parts are left out for regression.
/// </summary>
/// <param name="Task">Which metrics these are.</param>
/// <param name="Rows">Rows evaluated.</param>
/// <param name="Metrics">Every scalar metric of the task (<see cref="KnownMetrics"/>), by the trainer's names; null where undefined.</param>
/// <param name="PerClass">Classification: precision, recall, F1 and support of each class, in class-index order.</param>
/// <param name="ConfusionMatrix">Classification: counts, rows are true classes and columns predicted ones, in class-index order.</param>
/// <param name="Calibration">Classification: how well the predicted probabilities match observed frequencies.</param>
public sealed record EvaluationReport(
    [property: JsonConverter(typeof(JsonStringEnumConverter<ModelTask>))] ModelTask Task,
    int Rows,
    IReadOnlyDictionary<string, double?> Metrics,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ClassMetrics>? PerClass = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<IReadOnlyList<long>>? ConfusionMatrix = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Calibration? Calibration = null)
{
    /// <summary>
    /// The value of one scalar metric, for gates: null when it is undefined on this split, which a threshold should
    /// treat as not met. A name the task does not have is a configuration error and throws.
    /// </summary>
    public double? Metric(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Metrics.TryGetValue(name, out var value)
            ? value
            : throw new ArgumentException(
                $"unknown {Task.ToString().ToLowerInvariant()} metric '{name}' (expected one of: {string.Join(", ", Metrics.Keys)})", nameof(name));
    }
}
