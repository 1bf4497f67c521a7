using Npgsql;
using Workflows.Durable.History;

namespace Workflows.Durable.Postgres;

/// <summary>A message waiting in an instance's inbox.</summary>
/// <param name="Id">The inbox row id; consumed messages are deleted by id in the episode's transaction.</param>
/// <param name="ExecutionId">The execution the message is for; null for whichever execution is current.</param>
/// <param name="Event">The message as a history event.</param>
internal sealed record InboxMessage(long Id, Guid? ExecutionId, HistoryEvent Event);

/// <summary>
/// An orchestration instance claimed for one episode: an open transaction that holds the instance's row lock.
/// The lock is the lease: it ends with the transaction, and the server ends a transaction left idle for longer
/// than the lease, so a crashed or hung worker can never keep an instance.
/// </summary>
internal sealed class OrchestrationSession(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    public required string InstanceId { get; init; }

    public required Guid ExecutionId { get; init; }

    public required string Name { get; init; }

    public required OrchestrationRuntimeStatus Status { get; init; }

    public required string? CustomStatus { get; init; }

    public required int HistoryLength { get; init; }

    public List<InboxMessage> Messages { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync().ConfigureAwait(false);
        await Connection.DisposeAsync().ConfigureAwait(false);
    }
}
