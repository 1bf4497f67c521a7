using System.Text.Json;
using Workflows.Orchestrations.Monitoring;

namespace Workflows.Functions.Api;

/// <summary>A drift check in a history listing; the full report is at <c>/api/models/{name}/drift/{id}</c>.</summary>
public sealed record DriftCheckSummary(
    long Id,
    int Version,
    DateTimeOffset CheckedAt,
    DriftVerdict Verdict,
    int Rows,
    int TestedFeatures,
    int DriftedFeatures,
    IReadOnlyList<string> DriftedFeatureNames,
    bool? PredictionsDrifted,
    LivePerformance? Live,
    string? RetrainRunId,
    string? RetrainNote)
{
    public static DriftCheckSummary From(DriftCheckRecord check) => new(
        check.Id, check.Version, check.CheckedAt, check.Verdict, check.Report.Window.Rows, check.Report.TestedFeatures, check.Report.DriftedFeatures,
        [.. check.Report.Features.Where(f => f.Drifted).Select(f => f.Name)], check.Report.Predictions?.Drifted, check.Live, check.RetrainRunId, check.RetrainNote);
}

/// <summary>Body of <c>POST /api/models/{name}/feedback</c>: true labels for served predictions.</summary>
public sealed record FeedbackBody(IReadOnlyList<FeedbackLabel>? Labels);

/// <summary>One true label: the class label (a string) or the target value (a number).</summary>
public sealed record FeedbackLabel(Guid PredictionId, JsonElement Label);
