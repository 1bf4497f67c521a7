namespace Workflows.Orchestrations.Evaluation;

/// <summary>
/// The production model scored on the candidate's test split, for must-beat-production; or why it could not be.
/// </summary>
/// <param name="Version">The production version; null when nothing is in production.</param>
/// <param name="Metrics">Its metrics on the same split; null when not compared.</param>
/// <param name="NotComparedBecause">Why there are no metrics (nothing in production, a different input layout).</param>
public sealed record ProductionComparison(int? Version, IReadOnlyDictionary<string, double?>? Metrics, string? NotComparedBecause)
{
    public static ProductionComparison None { get; } = new(null, null, "nothing is in production yet");
}
