namespace Workflows.Durable;

/// <summary>Options for scheduling an activity or sub-orchestration.</summary>
/// <param name="Retry">How failures are retried; none when null.</param>
public record TaskOptions(RetryPolicy? Retry = null)
{
    /// <summary>Options that retry with the given policy.</summary>
    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(policy);
}

/// <summary>Options for scheduling a sub-orchestration.</summary>
/// <param name="InstanceId">The child's instance id; a deterministic new id when null.</param>
/// <param name="Retry">How failures are retried; none when null.</param>
public sealed record SubOrchestrationOptions(string? InstanceId = null, RetryPolicy? Retry = null) : TaskOptions(Retry);
