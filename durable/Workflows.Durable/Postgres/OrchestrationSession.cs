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
/// than the lease, so a crashed or hung worker can never keep an instance. The transaction is begun and committed
/// by statements in the claim's and the commit's own round trips, so it costs no extra ones.
/// </summary>
internal sealed class OrchestrationSession(NpgsqlConnection connection) : IAsyncDisposable
{
    public NpgsqlConnection Connection { get; } = connection;

    public required string InstanceId { get; init; }

    public required Guid ExecutionId { get; init; }

    public required string Name { get; init; }

    public required OrchestrationRuntimeStatus Status { get; init; }

    public required string? CustomStatus { get; init; }

    public required int HistoryLength { get; init; }

    public List<InboxMessage> Messages { get; } = [];

    /// <summary>Set once the transaction has committed.</summary>
    public bool Committed { get; set; }

    public ValueTask DisposeAsync() => CloseAsync(Connection, Committed);

    /// <summary>Rolls back an uncommitted transaction and returns the connection to the pool.</summary>
    public static async ValueTask CloseAsync(NpgsqlConnection connection, bool committed)
    {
        try
        {
            if (!committed && connection.State == System.Data.ConnectionState.Open)
            {
                using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken connection has lost its transaction anyway; the pool discards it.
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
