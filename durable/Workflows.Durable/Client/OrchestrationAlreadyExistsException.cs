namespace Workflows.Durable;

/// <summary>Starting an instance id that belongs to an instance that has not finished.</summary>
public sealed class OrchestrationAlreadyExistsException(string instanceId, OrchestrationRuntimeStatus status)
    : InvalidOperationException($"An orchestration with instance id '{instanceId}' already exists and is {status}. " +
                                "Wait for it to finish, terminate it, or choose another id.")
{
    /// <summary>The instance id that is taken.</summary>
    public string InstanceId { get; } = instanceId;

    /// <summary>The state of the instance that holds it.</summary>
    public OrchestrationRuntimeStatus Status { get; } = status;
}
