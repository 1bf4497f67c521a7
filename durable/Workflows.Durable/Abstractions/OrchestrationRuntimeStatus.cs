namespace Workflows.Durable;

/// <summary>The lifecycle state of an orchestration instance, as in Durable Functions.</summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>Scheduled but not started yet (possibly waiting for its start time).</summary>
    Pending,

    /// <summary>Started and not finished.</summary>
    Running,

    /// <summary>Finished with an output.</summary>
    Completed,

    /// <summary>Restarted with new input; transient.</summary>
    ContinuedAsNew,

    /// <summary>Finished with an unhandled error.</summary>
    Failed,

    /// <summary>Stopped by a terminate request.</summary>
    Terminated,

    /// <summary>Paused by a suspend request; events are kept until it is resumed.</summary>
    Suspended,
}

/// <summary>Helpers for <see cref="OrchestrationRuntimeStatus"/>.</summary>
public static class OrchestrationRuntimeStatusExtensions
{
    /// <summary>Whether an instance in this state will never run again unless restarted.</summary>
    public static bool IsTerminal(this OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
