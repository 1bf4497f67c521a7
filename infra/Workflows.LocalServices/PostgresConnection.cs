namespace Workflows.LocalServices;

/// <summary>
/// The PostgreSQL server a host or test uses, as chosen by <see cref="PostgresConnectionResolver"/>: an external
/// server, or an embedded one this handle owns.
/// </summary>
public sealed class PostgresConnection : IAsyncDisposable
{
    internal PostgresConnection(string connectionString, EmbeddedPostgres? server)
    {
        ConnectionString = connectionString;
        EmbeddedServer = server;
    }

    /// <summary>Gets the Npgsql connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>Gets the embedded server this handle owns, or null when an external server is used.</summary>
    public EmbeddedPostgres? EmbeddedServer { get; }

    /// <summary>Gets a value indicating whether the server is embedded (started by this process).</summary>
    public bool IsEmbedded => EmbeddedServer is not null;

    /// <summary>Stops the embedded server, if any; an external server is left alone.</summary>
    /// <returns>A task that completes when the embedded server has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        if (EmbeddedServer is not null)
        {
            await EmbeddedServer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
