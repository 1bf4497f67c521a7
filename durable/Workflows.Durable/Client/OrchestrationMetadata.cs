namespace Workflows.Durable;

/// <summary>The state of an orchestration instance as a client sees it.</summary>
/// <param name="InstanceId">The instance id.</param>
/// <param name="Name">The orchestrator name.</param>
/// <param name="RuntimeStatus">The lifecycle state.</param>
/// <param name="CreatedAt">When the current execution was scheduled (UTC).</param>
/// <param name="LastUpdatedAt">When its state last changed (UTC).</param>
public sealed record OrchestrationMetadata(
    string InstanceId,
    string Name,
    OrchestrationRuntimeStatus RuntimeStatus,
    DateTime CreatedAt,
    DateTime LastUpdatedAt)
{
    /// <summary>When it finished (UTC), for finished instances.</summary>
    public DateTime? CompletedAt { get; init; }

    /// <summary>The requested start time, for instances scheduled to start later.</summary>
    public DateTime? ScheduledStartAt { get; init; }

    /// <summary>The input as JSON; only when requested.</summary>
    public string? SerializedInput { get; init; }

    /// <summary>The output as JSON (the reason, for terminated instances); only when requested.</summary>
    public string? SerializedOutput { get; init; }

    /// <summary>The custom status as JSON.</summary>
    public string? SerializedCustomStatus { get; init; }

    /// <summary>Why the instance failed, for failed instances.</summary>
    public TaskFailureDetails? FailureDetails { get; init; }

    /// <summary>The parent's instance id, for sub-orchestrations.</summary>
    public string? ParentInstanceId { get; init; }

    /// <summary>Whether the instance is Running, Pending or Suspended.</summary>
    public bool IsRunning => !RuntimeStatus.IsTerminal();

    /// <summary>Whether the instance finished (Completed, Failed or Terminated).</summary>
    public bool IsCompleted => RuntimeStatus.IsTerminal();

    /// <summary>Reads the input as <typeparamref name="T"/>.</summary>
    public T? ReadInputAs<T>() => DataConverter.Default.Deserialize<T>(SerializedInput);

    /// <summary>Reads the output as <typeparamref name="T"/>.</summary>
    public T? ReadOutputAs<T>() => DataConverter.Default.Deserialize<T>(SerializedOutput);

    /// <summary>Reads the custom status as <typeparamref name="T"/>.</summary>
    public T? ReadCustomStatusAs<T>() => DataConverter.Default.Deserialize<T>(SerializedCustomStatus);
}
