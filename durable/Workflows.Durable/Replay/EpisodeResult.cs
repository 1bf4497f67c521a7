using Workflows.Durable.History;

namespace Workflows.Durable.Replay;

/// <summary>What one episode of an orchestration produced, to be committed in one transaction.</summary>
/// <param name="NewHistory">Events to append: the episode's accepted messages, its new actions, and its end if it ended.</param>
/// <param name="Actions">New activities, timers and sub-orchestrations to create.</param>
/// <param name="Status">Running, or how the execution ended (Completed, Failed, ContinuedAsNew).</param>
/// <param name="Output">The serialized output when completed, or the next input when continued as new.</param>
/// <param name="Failure">The failure when failed.</param>
/// <param name="CustomStatus">The custom status as JSON.</param>
/// <param name="CarriedEvents">Unprocessed events carried into the next execution by ContinueAsNew.</param>
internal sealed record EpisodeResult(
    IReadOnlyList<HistoryEvent> NewHistory,
    IReadOnlyList<OrchestratorAction> Actions,
    OrchestrationRuntimeStatus Status,
    string? Output,
    TaskFailureDetails? Failure,
    string? CustomStatus,
    IReadOnlyList<EventRaised> CarriedEvents);
