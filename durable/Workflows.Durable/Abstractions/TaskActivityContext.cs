namespace Workflows.Durable;

/// <summary>What an activity knows about the execution it is part of.</summary>
/// <param name="Name">The activity name.</param>
/// <param name="InstanceId">The orchestration instance that scheduled it.</param>
/// <param name="TaskId">The task's id within that orchestration's history.</param>
/// <param name="Attempt">How many times this task has been leased, counting this one (at-least-once delivery).</param>
/// <param name="CancellationToken">Cancelled when the worker shuts down or loses the task's lease.</param>
public sealed record TaskActivityContext(
    string Name,
    string InstanceId,
    int TaskId,
    int Attempt,
    CancellationToken CancellationToken);
