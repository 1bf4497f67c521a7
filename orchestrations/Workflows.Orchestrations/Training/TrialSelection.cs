using Workflows.Orchestrations.Orchestrators;

namespace Workflows.Orchestrations.Training;

/// <summary>Picks a sweep's best trial by the validation value of the primary metric.</summary>
public static class TrialSelection
{
    /// <summary>
    /// The succeeded trial with the best primary metric (ties go to the lower trial number, so the choice is
    /// deterministic); null when no trial succeeded or none reported the metric.
    /// </summary>
    public static TrainingJobOutcome? Best(IEnumerable<TrainingJobOutcome> trials, string primaryMetric, bool lowerIsBetter)
    {
        var scored = trials
            .Where(t => t.State == TrainingJobState.Succeeded && t.Result?.Metrics.ContainsKey(primaryMetric) == true && double.IsFinite(t.Result.Metrics[primaryMetric]));
        var ranked = lowerIsBetter ? scored.OrderBy(t => t.Result!.Metrics[primaryMetric]) : scored.OrderByDescending(t => t.Result!.Metrics[primaryMetric]);
        return ranked.ThenBy(t => t.Trial).FirstOrDefault();
    }
}
