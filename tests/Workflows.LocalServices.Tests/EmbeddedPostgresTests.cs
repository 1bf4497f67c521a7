using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Workflows.LocalServices.Tests;

/// <summary>Real servers in throw-away data directories: start, restart, crash recovery and clear failures.</summary>
public sealed class EmbeddedPostgresTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_starts_in_an_empty_directory_serves_the_configured_database_and_stops_cleanly()
    {
        using var temp = new TempDirectory();
        var logger = new TestLogger();
        var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg") }, logger, Token);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString);
            Assert.Equal(server.DataDirectory, builder.Host);
            Assert.Equal(server.Port, builder.Port);
            Assert.Equal("127.0.0.1", new NpgsqlConnectionStringBuilder(server.TcpConnectionString).Host);
            Assert.Equal("workflows", await Sql.ScalarAsync<string>(server.TcpConnectionString, "SELECT current_database()"));
            Assert.Equal("workflows", builder.Database);
            Assert.True(File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")));
            Assert.True(File.Exists(server.LogFile));

            Assert.Equal("workflows", await Sql.ScalarAsync<string>(server.ConnectionString, "SELECT current_database()"));
            Assert.Equal("300", await Sql.ScalarAsync<string>(server.ConnectionString, "SHOW max_connections"));
            Assert.Equal("on", await Sql.ScalarAsync<string>(server.ConnectionString, "SHOW fsync"));
            Assert.Equal("UTF8", await Sql.ScalarAsync<string>(server.ConnectionString, "SHOW server_encoding"));
            Assert.True(logger.Logged(1002), "the cluster is initialized on first start");
            Assert.True(logger.Logged(1006), "the configured database is created");
        }
        finally
        {
            await server.StopAsync(Token);
        }

        Assert.True(server.HasExited);
        Assert.False(File.Exists(Path.Combine(server.DataDirectory, "postmaster.pid")));
        Assert.Contains("database system is shut down", await File.ReadAllTextAsync(server.LogFile, Token));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => Sql.ScalarAsync<int>(server.ConnectionString, "SELECT 1"));
    }

    [Fact]
    public async Task Data_committed_before_a_restart_is_there_after_it()
    {
        using var temp = new TempDirectory();
        var options = new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg") };
        await using (var first = await EmbeddedPostgres.StartAsync(options, new TestLogger(), Token))
        {
            await Sql.ExecuteAsync(first.ConnectionString, "CREATE TABLE runs (id int PRIMARY KEY, name text); INSERT INTO runs VALUES (1, 'train');");
        }

        var logger = new TestLogger();
        await using var second = await EmbeddedPostgres.StartAsync(options, logger, Token);
        Assert.Equal("train", await Sql.ScalarAsync<string>(second.ConnectionString, "SELECT name FROM runs WHERE id = 1"));
        Assert.False(logger.Logged(1001), "an existing cluster is not initialized again");
    }

    [Fact]
    public async Task A_crashed_server_leaves_a_stale_lock_file_that_the_next_start_removes()
    {
        using var temp = new TempDirectory();
        var options = new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg") };
        var crashed = await EmbeddedPostgres.StartAsync(options, new TestLogger(), Token);
        await Sql.ExecuteAsync(crashed.ConnectionString, "CREATE TABLE committed (v int); INSERT INTO committed VALUES (42);");
        await PostgresProcesses.KillHardAsync(crashed.ProcessId, crashed.DataDirectory, Token);
        Assert.True(File.Exists(Path.Combine(crashed.DataDirectory, "postmaster.pid")), "SIGKILL leaves the lock file behind");

        var logger = new TestLogger();
        await using var recovered = await EmbeddedPostgres.StartAsync(options, logger, Token);
        Assert.True(logger.Logged(1003), "the stale lock file removal is logged");
        Assert.Equal(42, await Sql.ScalarAsync<int>(recovered.ConnectionString, "SELECT v FROM committed"));
        await crashed.DisposeAsync();
    }

    [Fact]
    public async Task A_lock_file_naming_a_live_process_that_is_not_postgres_is_treated_as_stale()
    {
        using var temp = new TempDirectory();
        var options = new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg") };
        string dataDirectory;
        await using (var server = await EmbeddedPostgres.StartAsync(options, new TestLogger(), Token))
        {
            dataDirectory = server.DataDirectory;
        }

        // This test host is alive and not a postgres process: PID reuse after a crash looks like this.
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "postmaster.pid"), $"{Environment.ProcessId}\n{dataDirectory}\n", Token);
        var logger = new TestLogger();
        await using var restarted = await EmbeddedPostgres.StartAsync(options, logger, Token);
        Assert.Contains(logger.Entries, e => e.EventId.Id == 1003 && e.Message.Contains("now belongs to", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_servers_started_in_parallel_listen_on_different_ports()
    {
        using var temp = new TempDirectory();
        var starts = new[] { "a", "b" }
            .Select(name => EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = temp.Combine(name) }, new TestLogger(), Token))
            .ToList();
        try
        {
            var servers = await Task.WhenAll(starts);
            Assert.NotEqual(servers[0].Port, servers[1].Port);
            await Sql.ExecuteAsync(servers[0].ConnectionString, "CREATE TABLE only_in_a (v int)");
            Assert.Equal(0L, await Sql.ScalarAsync<long>(servers[1].ConnectionString, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'"));
        }
        finally
        {
            // Stop whichever started, even when the other failed.
            foreach (var start in starts)
            {
                try
                {
                    await (await start).DisposeAsync();
                }
                catch (EmbeddedPostgresException)
                {
                }
            }
        }
    }

    [Fact]
    public async Task A_configured_port_is_used()
    {
        using var temp = new TempDirectory();
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg"), Port = port }, new TestLogger(), Token);
        Assert.Equal(port, server.Port);
        Assert.Equal(port, await Sql.ScalarAsync<int>(server.ConnectionString, "SELECT current_setting('port')::int"));
    }

    [Fact]
    public async Task A_cluster_created_with_a_password_rejects_a_wrong_one()
    {
        using var temp = new TempDirectory();
        await using var server = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg"), SuperUser = "wf_admin", SuperUserPassword = "s3cret 'quoted'" },
            new TestLogger(),
            Token);
        Assert.Equal("wf_admin", await Sql.ScalarAsync<string>(server.ConnectionString, "SELECT current_user"));

        var wrong = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = "wrong", Pooling = false }.ConnectionString;
        var error = await Assert.ThrowsAsync<PostgresException>(() => Sql.ScalarAsync<int>(wrong, "SELECT 1"));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }

    [Fact]
    public async Task Server_settings_are_applied_at_start()
    {
        using var temp = new TempDirectory();
        await using var server = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions
            {
                DataDirectory = temp.Combine("pg"),
                ServerSettings = new Dictionary<string, string> { ["max_connections"] = "120", ["work_mem"] = "8MB" },
            },
            new TestLogger(),
            Token);
        Assert.Equal("120", await Sql.ScalarAsync<string>(server.ConnectionString, "SHOW max_connections"));
        Assert.Equal("8MB", await Sql.ScalarAsync<string>(server.ConnectionString, "SHOW work_mem"));
    }

    [Fact]
    public async Task Stopping_twice_is_harmless()
    {
        using var temp = new TempDirectory();
        var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg") }, new TestLogger(), Token);
        await server.StopAsync(Token);
        await server.StopAsync(Token);
        await server.DisposeAsync();
        Assert.True(server.HasExited);
    }
}
