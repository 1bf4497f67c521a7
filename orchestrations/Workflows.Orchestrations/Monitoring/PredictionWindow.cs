namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// A window of logged predictions of one model version, read for a drift check: the live inputs and outputs as the
/// detector takes them, where the window ends, and the fed-back labels of its rows.
/// </summary>
/// <param name="Window">The inputs and outputs, for the detector.</param>
/// <param name="Last">Where the window ended (the next starts after it); where it started when empty.</param>
/// <param name="PredictedLabels">Classification: the label answered per row; null for regression.</param>
/// <param name="PredictedValues">Regression: the value answered per row; null for classification.</param>
/// <param name="Feedback">Per row, the fed-back true label (as JSON text), or null.</param>
public sealed record PredictionWindow(LiveWindow Window, LogPosition Last, string?[]? PredictedLabels, float[]? PredictedValues, string?[] Feedback);
