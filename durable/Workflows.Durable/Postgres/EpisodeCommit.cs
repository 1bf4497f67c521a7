using Workflows.Durable.History;

namespace Workflows.Durable.Postgres;

/// <summary>Everything one episode writes, committed together in the episode's transaction.</summary>
internal sealed class EpisodeCommit
{
    public List<long> ConsumedMessageIds { get; } = [];

    public List<HistoryEvent> AppendedHistory { get; } = [];

    public List<(int TaskId, string Name, string? Input)> Activities { get; } = [];

    public List<OutgoingMessage> Messages { get; } = [];

    public List<ChildStart> Children { get; } = [];

    public required OrchestrationRuntimeStatus Status { get; init; }

    public string? Output { get; init; }

    public TaskFailureDetails? Failure { get; init; }

    public string? CustomStatus { get; init; }

    /// <summary>Set when the instance restarts as a new execution: its id and input.</summary>
    public (Guid ExecutionId, string? Input)? NewExecution { get; init; }

    /// <summary>False when the episode only discards stale messages and leaves the instance row as it is.</summary>
    public bool UpdatesInstance { get; init; } = true;

    /// <summary>The kinds of work this commit creates for other workers, when <paramref name="leasedLocally"/> activities run here.</summary>
    public WorkKind CreatedWork(int leasedLocally) =>
        (Activities.Count > leasedLocally ? WorkKind.Activities : WorkKind.None) |
        (Messages.Count > 0 || Children.Count > 0 || NewExecution is not null ? WorkKind.Orchestrations : WorkKind.None);
}

/// <summary>A message to an orchestration's inbox.</summary>
internal sealed record OutgoingMessage(string InstanceId, Guid? ExecutionId, HistoryEvent Event, DateTime? VisibleAt = null, bool IsControl = false);

/// <summary>A sub-orchestration to create, with the failure to report instead if its id is taken by a running instance.</summary>
internal sealed record ChildStart(string InstanceId, string Name, string? Input, Guid ExecutionId, ExecutionStarted Started, SubOrchestrationInstanceFailed IfTaken);

/// <summary>An episode ready to commit: the instance, its writes, and how many of its activities this worker leases.</summary>
internal sealed record EpisodeToCommit(ClaimedInstance Instance, EpisodeCommit Commit, int Leased);

/// <summary>What a committed session tells its worker.</summary>
/// <param name="Leased">Activity tasks leased to this worker in the commit.</param>
/// <param name="MessagesPending">Whether messages for any of the instances arrived while the episodes ran.</param>
internal sealed record SessionCommitted(List<ActivityWorkItem> Leased, bool MessagesPending);
