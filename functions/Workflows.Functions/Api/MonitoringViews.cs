using System.Text.Json;
using Workflows.Durable;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Runs;

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
    string? RetrainNote,
    RetrainRunView? Retrain)
{
    public static DriftCheckSummary From(DriftCheckRecord check, IReadOnlyDictionary<string, RetrainRunView> retrains) => new(
        check.Id, check.Version, check.CheckedAt, check.Verdict, check.Report.Window.Rows, check.Report.TestedFeatures, check.Report.DriftedFeatures,
        [.. check.Report.Features.Where(f => f.Drifted).Select(f => f.Name)], check.Report.Predictions?.Drifted, check.Live, check.RetrainRunId, check.RetrainNote,
        check.RetrainRunId is { } run && retrains.TryGetValue(run, out var retrain) ? retrain : null);
}

/// <summary>What became of the retraining run a drift check started: still going, or deployed, or rejected by the gate (production stays).</summary>
/// <param name="RunId">The run.</param>
/// <param name="Status">Running, Completed, Failed or Terminated.</param>
/// <param name="Stage">The stage it is in, or the last that ran (a rejected model's is the gate).</param>
/// <param name="Outcome">Once completed: Deployed, Rejected or Aborted.</param>
/// <param name="Detail">That stage's words: why the gate rejected the model, for instance, or the baseline a deployed one got.</param>
public sealed record RetrainRunView(string RunId, string Status, string? Stage, string? Outcome, string? Detail)
{
    /// <summary>The runs that exist, by id.</summary>
    public static async Task<IReadOnlyDictionary<string, RetrainRunView>> DescribeAsync(
        IReadOnlyCollection<string> runIds, DurableTaskClient client, RunStore runs, CancellationToken cancellationToken)
    {
        var views = new Dictionary<string, RetrainRunView>();
        if (runIds.Count == 0)
        {
            return views;
        }

        var records = await runs.GetAsync(runIds, cancellationToken).ConfigureAwait(false);
        foreach (var runId in runIds)
        {
            if (await client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false) is not { } instance)
            {
                continue;
            }

            // The stages after a rejection are skipped: the one that decided is the last that ran.
            var last = records.TryGetValue(runId, out var record) ? record.Stages.LastOrDefault(s => s.Outcome != StageOutcome.Skipped) : null;
            views[runId] = new RetrainRunView(runId, instance.RuntimeStatus.ToString(), last?.Stage, OutcomeOf(instance.SerializedOutput), last?.Detail);
        }

        return views;
    }

    private static string? OutcomeOf(string? output)
    {
        if (output is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(output);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.EnumerateObject().FirstOrDefault(p => p.NameEquals("outcome") || p.NameEquals("Outcome")) is { Value.ValueKind: JsonValueKind.String } outcome
            ? outcome.Value.GetString()
            : null;
    }
}

/// <summary>Body of <c>POST /api/models/{name}/feedback</c>: true labels for served predictions.</summary>
public sealed record FeedbackBody(IReadOnlyList<FeedbackLabel>? Labels);

/// <summary>One true label: the class label (a string) or the target value (a number).</summary>
public sealed record FeedbackLabel(Guid PredictionId, JsonElement Label);
