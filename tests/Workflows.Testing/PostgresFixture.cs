using Npgsql;
using Workflows.LocalServices;
using Xunit;

namespace Workflows.Testing;

/// <summary>
/// One real PostgreSQL server for the test assembly: the embedded one in a fresh data directory, or an external
/// server when WORKFLOWS_POSTGRES_CONNECTION is set. Tests isolate themselves with a task hub (schema) each.
/// A test assembly shares one with <c>[assembly: AssemblyFixture(typeof(PostgresFixture))]</c>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "workflows-tests", Guid.NewGuid().ToString("N")[..12]);
    private PostgresConnection? _connection;

    public string ConnectionString => _connection?.ConnectionString ?? throw new InvalidOperationException("PostgreSQL has not started.");

    public async ValueTask InitializeAsync()
    {
        _connection = await PostgresConnectionResolver.ResolveAsync(null, new EmbeddedPostgresOptions
        {
            DataDirectory = _dataDirectory,
            ServerSettings = new Dictionary<string, string> { ["max_connections"] = "400" },
        });
    }

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    /// <summary>Runs SQL on the server, as an administrator would: to set up a fault, or to clear one.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var dataSource = CreateDataSource();
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
