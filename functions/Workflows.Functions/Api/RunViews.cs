using System.Text.Json;
using Workflows.Durable;
using Workflows.Orchestrations.Runs;

namespace Workflows.Functions.Api;

/// <summary>Links to manage a run, named as in Durable Functions' HTTP management payload.</summary>
public sealed record ManagementLinks(string Id, string StatusQueryGetUri, string SendEventPostUri, string TerminatePostUri, string PurgeHistoryDeleteUri)
{
    public static ManagementLinks For(string baseUri, string runId)
    {
        var run = $"{baseUri}/api/runs/{Uri.EscapeDataString(runId)}";
        return new(runId, run, run + "/events/{eventName}", run + "/cancel?reason={text}", run);
    }
}

/// <summary>A stage of a run as the API shows it.</summary>
public sealed record StageView(string Stage, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, double? DurationSeconds, string Outcome, string? Detail);

/// <summary>A run as the API shows it.</summary>
public sealed record RunView(
    string Id,
    string Pipeline,
    string Status,
    string? CurrentStage,
    string Trigger,
    DateTime CreatedAt,
    DateTime LastUpdatedAt,
    DateTime? CompletedAt,
    JsonElement? CustomStatus,
    JsonElement? Output,
    TaskFailureDetails? Failure,
    IReadOnlyList<StageView> Stages,
    ManagementLinks Links)
{
    public static RunView From(OrchestrationMetadata instance, RunRecord? record, string baseUri)
    {
        var stages = record?.Stages ?? [];
        return new RunView(instance.InstanceId, record?.Pipeline ?? "", instance.RuntimeStatus.ToString(),
            stages.LastOrDefault(s => s.Outcome == StageOutcome.Running)?.Stage ?? (instance.IsRunning ? stages.LastOrDefault()?.Stage : null),
            record?.Trigger ?? "", instance.CreatedAt, instance.LastUpdatedAt, instance.CompletedAt,
            Parse(instance.SerializedCustomStatus), Parse(instance.SerializedOutput), instance.FailureDetails,
            [.. stages.Select(s => new StageView(s.Stage, s.StartedAt, s.EndedAt, s.Duration?.TotalSeconds, s.Outcome.ToString(), s.Detail))],
            ManagementLinks.For(baseUri, instance.InstanceId));
    }

    private static JsonElement? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>The body of a request to start a run.</summary>
/// <param name="DatasetVersion">The dataset version; omit for the latest.</param>
/// <param name="Overrides">Hyperparameters that replace the definition's for this run.</param>
public sealed record StartRunBody(int? DatasetVersion, Dictionary<string, JsonElement>? Overrides);

/// <summary>A page of runs.</summary>
public sealed record RunPage(IReadOnlyList<RunView> Items, string? ContinuationToken);
