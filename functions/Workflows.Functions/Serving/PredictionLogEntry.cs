namespace Workflows.Functions.Serving;

/// <summary>One scored row on its way to prediction_log.</summary>
/// <param name="PredictionId">The id the caller got for the row (a shadow's row carries the id of the answer it shadowed).</param>
/// <param name="Pipeline">The model's pipeline.</param>
/// <param name="Version">The version that scored it.</param>
/// <param name="Route">production, canary, shadow or version.</param>
/// <param name="Features">The row as the model's input.</param>
/// <param name="Outputs">The model's output for the row: per-class probabilities, or the predicted value.</param>
/// <param name="ClassLabels">Classification: the labels of <paramref name="Outputs"/>; null for regression.</param>
internal sealed record PredictionLogEntry(Guid PredictionId, string Pipeline, int Version, string Route, float[] Features, float[] Outputs, IReadOnlyList<string>? ClassLabels);
