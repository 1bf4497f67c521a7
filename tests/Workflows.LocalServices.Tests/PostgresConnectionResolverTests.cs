using Npgsql;

namespace Workflows.LocalServices.Tests;

/// <summary>External server by connection string, embedded otherwise; and the shared-fixture pattern.</summary>
public sealed class PostgresConnectionResolverTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_configured_connection_string_is_used_and_nothing_is_started()
    {
        using var temp = new TempDirectory();
        var dataDirectory = temp.Combine("never-created");
        await using var connection = await PostgresConnectionResolver.ResolveAsync(
            "Host=db.example;Port=5433;Database=wf;Username=u",
            new EmbeddedPostgresOptions { DataDirectory = dataDirectory },
            new TestLogger(),
            Token);

        Assert.False(connection.IsEmbedded);
        Assert.Null(connection.EmbeddedServer);
        Assert.Equal("db.example", new NpgsqlConnectionStringBuilder(connection.ConnectionString).Host);
        Assert.False(Directory.Exists(dataDirectory));
    }

    [Fact]
    public async Task Without_a_configured_connection_string_an_embedded_server_is_started_and_stopped_on_dispose()
    {
        if (PostgresConnectionResolver.GetConfiguredConnectionString() is not null)
        {
            Assert.Skip($"{PostgresConnectionResolver.ConnectionStringEnvironmentVariable} is set: an external server is in use.");
        }

        using var temp = new TempDirectory();
        var connection = await PostgresConnectionResolver.ResolveAsync(null, new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg") }, new TestLogger(), Token);
        try
        {
            Assert.True(connection.IsEmbedded);
            Assert.Equal(1, await Sql.ScalarAsync<int>(connection.ConnectionString, "SELECT 1"));
        }
        finally
        {
            await connection.DisposeAsync();
        }

        Assert.True(connection.EmbeddedServer!.HasExited);
    }

    [Fact]
    public async Task An_invalid_configured_connection_string_is_rejected_with_a_clear_message()
    {
        using var temp = new TempDirectory();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => PostgresConnectionResolver.ResolveAsync(
            "this is not a connection string",
            new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg") },
            new TestLogger(),
            Token));
        Assert.Contains("not valid", error.Message);
    }

    [Fact]
    public async Task Tests_sharing_the_fixture_server_get_private_schemas()
    {
        var first = await fixture.CreateSchemaAsync(Token);
        var second = await fixture.CreateSchemaAsync(Token);
        await Sql.ExecuteAsync(first, "CREATE TABLE items (v int); INSERT INTO items VALUES (1);");
        await Sql.ExecuteAsync(second, "CREATE TABLE items (v int);");
        Assert.Equal(1L, await Sql.ScalarAsync<long>(first, "SELECT count(*) FROM items"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(second, "SELECT count(*) FROM items"));
    }
}
