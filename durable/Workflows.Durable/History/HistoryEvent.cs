using System.Text.Json.Serialization;

namespace Workflows.Durable.History;

/// <summary>
/// One entry of an orchestration's history, the only source of truth for its state: orchestrator code is
/// replayed against these events to rebuild where it was.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ExecutionStarted), nameof(ExecutionStarted))]
[JsonDerivedType(typeof(OrchestratorStarted), nameof(OrchestratorStarted))]
[JsonDerivedType(typeof(TaskScheduled), nameof(TaskScheduled))]
[JsonDerivedType(typeof(TaskCompleted), nameof(TaskCompleted))]
[JsonDerivedType(typeof(TaskFailed), nameof(TaskFailed))]
[JsonDerivedType(typeof(TimerCreated), nameof(TimerCreated))]
[JsonDerivedType(typeof(TimerFired), nameof(TimerFired))]
[JsonDerivedType(typeof(SubOrchestrationInstanceCreated), nameof(SubOrchestrationInstanceCreated))]
[JsonDerivedType(typeof(SubOrchestrationInstanceCompleted), nameof(SubOrchestrationInstanceCompleted))]
[JsonDerivedType(typeof(SubOrchestrationInstanceFailed), nameof(SubOrchestrationInstanceFailed))]
[JsonDerivedType(typeof(EventRaised), nameof(EventRaised))]
[JsonDerivedType(typeof(ExecutionSuspended), nameof(ExecutionSuspended))]
[JsonDerivedType(typeof(ExecutionResumed), nameof(ExecutionResumed))]
[JsonDerivedType(typeof(ExecutionTerminated), nameof(ExecutionTerminated))]
[JsonDerivedType(typeof(ExecutionCompleted), nameof(ExecutionCompleted))]
public abstract record HistoryEvent
{
    /// <summary>When the event was recorded (UTC).</summary>
    public DateTime Timestamp { get; init; }
}

/// <summary>The execution began with this input.</summary>
public sealed record ExecutionStarted(string Name, string? Input, ParentOrchestrationInstance? Parent = null, int ParentTaskId = -1, Guid? ParentExecutionId = null) : HistoryEvent
{
    /// <summary>Events carried over by ContinueAsNew, in arrival order: delivered before anything newer.</summary>
    public IReadOnlyList<EventRaised>? CarriedEvents { get; init; }
}

/// <summary>An episode began; its timestamp is the orchestration's current time during that episode.</summary>
public sealed record OrchestratorStarted : HistoryEvent;

/// <summary>The orchestrator scheduled an activity.</summary>
public sealed record TaskScheduled(int TaskId, string Name, string? Input) : HistoryEvent;

/// <summary>An activity returned a result.</summary>
public sealed record TaskCompleted(int TaskScheduledId, string? Result) : HistoryEvent;

/// <summary>An activity failed.</summary>
public sealed record TaskFailed(int TaskScheduledId, TaskFailureDetails Failure) : HistoryEvent;

/// <summary>The orchestrator created a durable timer.</summary>
public sealed record TimerCreated(int TaskId, DateTime FireAt) : HistoryEvent;

/// <summary>A durable timer fired.</summary>
public sealed record TimerFired(int TimerId, DateTime FireAt) : HistoryEvent;

/// <summary>The orchestrator started a sub-orchestration.</summary>
public sealed record SubOrchestrationInstanceCreated(int TaskId, string Name, string InstanceId, string? Input) : HistoryEvent;

/// <summary>A sub-orchestration completed.</summary>
public sealed record SubOrchestrationInstanceCompleted(int TaskScheduledId, string? Result) : HistoryEvent;

/// <summary>A sub-orchestration failed or was terminated.</summary>
public sealed record SubOrchestrationInstanceFailed(int TaskScheduledId, TaskFailureDetails Failure) : HistoryEvent;

/// <summary>An external event arrived.</summary>
public sealed record EventRaised(string Name, string? Input) : HistoryEvent;

/// <summary>The instance was suspended.</summary>
public sealed record ExecutionSuspended(string? Reason) : HistoryEvent;

/// <summary>The instance was resumed.</summary>
public sealed record ExecutionResumed(string? Reason) : HistoryEvent;

/// <summary>The instance was terminated.</summary>
public sealed record ExecutionTerminated(string? Reason) : HistoryEvent;

/// <summary>The execution finished (completed, failed, terminated or continued as new).</summary>
public sealed record ExecutionCompleted(OrchestrationRuntimeStatus Status, string? Result, TaskFailureDetails? Failure) : HistoryEvent;
