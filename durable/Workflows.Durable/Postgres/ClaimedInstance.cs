using Workflows.Durable.History;

namespace Workflows.Durable.Postgres;

/// <summary>A message waiting in an instance's inbox.</summary>
/// <param name="Id">The inbox row id; consumed messages are deleted by id in the episode's transaction.</param>
/// <param name="ExecutionId">The execution the message is for; null for whichever execution is current.</param>
/// <param name="Event">The message as a history event.</param>
internal sealed record InboxMessage(long Id, Guid? ExecutionId, HistoryEvent Event);

/// <summary>An orchestration instance locked by an <see cref="OrchestrationSession"/>, as it was when claimed, with its messages.</summary>
internal sealed class ClaimedInstance
{
    public required string InstanceId { get; init; }

    public required Guid ExecutionId { get; init; }

    public required string Name { get; init; }

    public required OrchestrationRuntimeStatus Status { get; init; }

    public required string? CustomStatus { get; init; }

    public required int HistoryLength { get; init; }

    public List<InboxMessage> Messages { get; } = [];
}
