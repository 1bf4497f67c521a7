using System.Net;
using System.Net.Sockets;

namespace Workflows.LocalServices.Tests;

/// <summary>Every way a start can fail says what went wrong and how to fix it.</summary>
public sealed class EmbeddedPostgresFailureTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_configured_port_that_is_taken_fails_with_a_clear_error()
    {
        using var temp = new TempDirectory();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(
            () => EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg"), Port = port }, new TestLogger(), Token));
        Assert.Contains($"Port {port}", error.Message);
        Assert.Contains("already in use", error.Message);
    }

    [Fact]
    public async Task A_failing_initdb_reports_its_output_and_leaves_no_half_built_cluster()
    {
        using var temp = new TempDirectory();
        var dataDirectory = temp.Combine("pg");

        // Role names starting with pg_ are reserved, so initdb refuses this superuser.
        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(
            () => EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = dataDirectory, SuperUser = "pg_reserved" }, new TestLogger(), Token));
        Assert.Contains("initdb failed", error.Message);
        Assert.Contains("pg_", error.Message);
        Assert.False(File.Exists(Path.Combine(dataDirectory, "PG_VERSION")));
        Assert.False(Directory.Exists(dataDirectory + ".initdb"));
    }

    [Fact]
    public async Task A_missing_install_directory_fails_and_names_the_expected_path()
    {
        using var temp = new TempDirectory();
        var missing = temp.Combine("no-such-install");

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(
            () => EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg"), InstallDirectory = missing }, new TestLogger(), Token));
        Assert.Contains(Path.Combine(missing, "bin", "postgres"), error.Message);
        Assert.Contains("./wf setup", error.Message);
    }

    [Fact]
    public void Without_a_repository_the_search_fails_with_a_hint_to_run_setup()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<EmbeddedPostgresException>(() => PostgresInstallation.Locate(null, [temp.Path]));
        Assert.Contains(EmbeddedPostgresOptions.RepositoryRelativeInstallDirectory, error.Message);
        Assert.Contains("./wf setup", error.Message);
        Assert.Contains(temp.Path, error.Message);
    }

    [Fact]
    public async Task Options_that_take_over_the_launchers_settings_are_rejected()
    {
        using var temp = new TempDirectory();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg"), ServerSettings = new Dictionary<string, string> { ["listen_addresses"] = "*" } },
            new TestLogger(),
            Token));
        Assert.Contains("listen_addresses", error.Message);
    }

    [Fact]
    public async Task Starting_a_second_server_on_a_directory_in_use_fails_and_names_the_running_server()
    {
        using var temp = new TempDirectory();
        var options = new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg") };
        await using var running = await EmbeddedPostgres.StartAsync(options, new TestLogger(), Token);

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(options, new TestLogger(), Token));
        Assert.Contains($"PID {running.ProcessId}", error.Message);
        Assert.Contains("in use by a running PostgreSQL server", error.Message);
        Assert.Equal(1, await Sql.ScalarAsync<int>(running.ConnectionString, "SELECT 1"));
    }
}
