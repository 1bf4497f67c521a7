namespace Workflows.Durable;

/// <summary>
/// Thrown into orchestrator code when an activity or sub-orchestration it awaited failed.
/// <see cref="FailureDetails"/> carries the original error's type, message and stack trace.
/// </summary>
public sealed class TaskFailedException : Exception
{
    /// <summary>Creates the exception for a failed task.</summary>
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed with an unhandled exception: {failureDetails?.Summary}")
    {
        ArgumentNullException.ThrowIfNull(failureDetails);
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails;
    }

    /// <summary>The activity or sub-orchestration name.</summary>
    public string TaskName { get; }

    /// <summary>The task's id in the orchestration history.</summary>
    public int TaskId { get; }

    /// <summary>The failure that the task reported.</summary>
    public TaskFailureDetails FailureDetails { get; }
}
