namespace Workflows.Orchestrations.Monitoring;

/// <summary>One stored drift check of a deployed model version.</summary>
/// <param name="Id">Order of the checks.</param>
/// <param name="Pipeline">The pipeline.</param>
/// <param name="Version">The model version that was in production.</param>
/// <param name="CheckedAt">When.</param>
/// <param name="Verdict">Stable, drifted or insufficient data.</param>
/// <param name="WindowAfterId">The id of the prediction_log row the window began after. Windows are read in (writer transaction, id) order (<see cref="LogPosition"/>), so the ids in a window need not lie between these two.</param>
/// <param name="WindowLastId">The id of the last prediction_log row the window read.</param>
/// <param name="Report">The full report: per feature, per method, the window, data quality, prediction drift.</param>
/// <param name="Live">Live accuracy or error from fed-back labels; null when none applied.</param>
/// <param name="RetrainRunId">The retraining run this check started, if any.</param>
/// <param name="RetrainNote">Why it started one or not (cooldown, the limit of concurrent retrains, retraining off).</param>
public sealed record DriftCheckRecord(
    long Id,
    string Pipeline,
    int Version,
    DateTimeOffset CheckedAt,
    DriftVerdict Verdict,
    long WindowAfterId,
    long WindowLastId,
    DriftReport Report,
    LivePerformance? Live,
    string? RetrainRunId,
    string? RetrainNote);
