using Npgsql;

namespace Workflows.LocalServices.Tests;

/// <summary>
/// One server shared by a test class: an external server when <c>WORKFLOWS_POSTGRES_CONNECTION</c> is set, else an
/// embedded one in a temp directory. The pattern other test projects copy.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private PostgresConnection? _connection;

    public string ConnectionString => _connection?.ConnectionString ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async ValueTask InitializeAsync()
    {
        _connection = await PostgresConnectionResolver.ResolveAsync(
            configuredConnectionString: null,
            new EmbeddedPostgresOptions { DataDirectory = _temp.Combine("pg") },
            new TestLogger(),
            TestContext.Current.CancellationToken);
    }

    /// <summary>Creates a schema private to one test, so tests sharing the server never see each other's tables.</summary>
    public async Task<string> CreateSchemaAsync(CancellationToken cancellationToken)
    {
        var schema = $"t_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _temp.Dispose();
    }
}
