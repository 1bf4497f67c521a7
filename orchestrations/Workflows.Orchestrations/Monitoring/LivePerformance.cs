namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// How the deployed model does on the logged predictions of a window whose true labels were fed back, beside the
/// figure its evaluation measured on the test split.
/// </summary>
/// <param name="Metric">accuracy (classification) or rmse (regression).</param>
/// <param name="LabelledRows">Window rows with a fed-back label.</param>
/// <param name="Live">The metric on those rows; null when none has a label.</param>
/// <param name="Evaluation">The same metric on the test split at evaluation.</param>
public sealed record LivePerformance(string Metric, int LabelledRows, double? Live, double? Evaluation);
