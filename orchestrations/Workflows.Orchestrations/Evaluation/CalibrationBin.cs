namespace Workflows.Orchestrations.Evaluation;

/// <summary>
/// One equal-width confidence bin. Bins hold (<see cref="Lower"/>, <see cref="Upper"/>], the first one 0 as well, as
/// scikit-learn's calibration_curve assigns them; an empty bin has no mean confidence or observed frequency (null).
/// </summary>
/// <param name="Lower">The bin's lower edge.</param>
/// <param name="Upper">The bin's upper edge.</param>
/// <param name="Count">Rows whose confidence falls in the bin.</param>
/// <param name="MeanConfidence">The mean confidence of those rows.</param>
/// <param name="ObservedFrequency">The share of those rows that are positive (or correctly predicted).</param>
public sealed record CalibrationBin(double Lower, double Upper, long Count, double? MeanConfidence, double? ObservedFrequency);
