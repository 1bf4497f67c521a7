using Npgsql;

namespace Workflows.Durable.Postgres;

/// <summary>
/// One transaction that holds the row locks of the instances it claimed, and commits an episode for each of them.
/// The lock is the lease: it ends with the transaction, and the server ends a transaction left idle for longer
/// than the lease, so a crashed or hung worker can never keep an instance. The transaction is begun and committed
/// by statements in the claim's and the commit's own round trips, so it costs no extra ones. Each episode is
/// atomic, as in a transaction of its own; sharing one saves round trips and commits when many instances are ready.
/// </summary>
internal sealed class OrchestrationSession(NpgsqlConnection connection) : IAsyncDisposable
{
    public NpgsqlConnection Connection { get; } = connection;

    /// <summary>The claimed instances, in claim order.</summary>
    public List<ClaimedInstance> Instances { get; } = [];

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
