using System.Net;
using System.Net.Sockets;

namespace Workflows.LocalServices.Tests;

/// <summary>A real Azurite blob service in throw-away data directories: start, answer, stop, and clear failures.</summary>
public sealed class EmbeddedAzuriteTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_blob_service_starts_answers_for_the_emulator_account_and_stops_cleanly()
    {
        using var temp = new TempDirectory();
        var logger = new TestLogger();
        var azurite = await EmbeddedAzurite.StartAsync(new EmbeddedAzuriteOptions { DataDirectory = temp.Combine("azurite") }, logger, Token);
        try
        {
            Assert.Equal(new Uri($"http://127.0.0.1:{azurite.Port}/devstoreaccount1"), azurite.BlobEndpoint);
            Assert.Equal(
                $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={EmbeddedAzurite.AccountKey};BlobEndpoint=http://127.0.0.1:{azurite.Port}/devstoreaccount1;",
                azurite.ConnectionString);
            Assert.False(azurite.HasExited);
            Assert.True(logger.Logged(2002), "readiness is logged");

            // An unsigned request is refused, by Azurite: it is the one listening.
            using var client = new HttpClient();
            using var response = await client.GetAsync(new Uri(azurite.BlobEndpoint + "?comp=list"), Token);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains(response.Headers.Server, server => server.Product?.Name == "Azurite-Blob");
        }
        finally
        {
            await azurite.StopAsync(Token);
        }

        Assert.True(azurite.HasExited);
        Assert.True(logger.Logged(2004), "the stop is logged");
        Assert.False(logger.Logged(2005), "SIGTERM is enough; no kill");
        Assert.Contains("successfully closed", await File.ReadAllTextAsync(azurite.LogFile, Token));
        Assert.True(File.Exists(Path.Combine(azurite.DataDirectory, "__azurite_db_blob__.json")), "metadata lives in the data directory");
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            using var client = new HttpClient();
            using var response = await client.GetAsync(azurite.BlobEndpoint, Token);
        });
    }

    [Fact]
    public async Task Stopping_twice_and_disposing_after_a_stop_do_nothing()
    {
        using var temp = new TempDirectory();
        var azurite = await EmbeddedAzurite.StartAsync(new EmbeddedAzuriteOptions { DataDirectory = temp.Combine("azurite") }, new TestLogger(), Token);
        await azurite.StopAsync(Token);
        await azurite.StopAsync(Token);
        await azurite.DisposeAsync();
        Assert.True(azurite.HasExited);
    }

    [Fact]
    public async Task A_restart_on_the_same_data_directory_gets_a_working_service()
    {
        using var temp = new TempDirectory();
        var options = new EmbeddedAzuriteOptions { DataDirectory = temp.Combine("azurite") };
        await using (await EmbeddedAzurite.StartAsync(options, new TestLogger(), Token))
        {
        }

        await using var second = await EmbeddedAzurite.StartAsync(options, new TestLogger(), Token);
        Assert.False(second.HasExited);
    }

    [Fact]
    public async Task A_wrong_install_directory_fails_and_names_the_missing_script()
    {
        using var temp = new TempDirectory();
        var missing = temp.Combine("no-such-azurite");

        var error = await Assert.ThrowsAsync<EmbeddedAzuriteException>(() => EmbeddedAzurite.StartAsync(
            new EmbeddedAzuriteOptions { DataDirectory = temp.Combine("azurite"), InstallDirectory = missing }, new TestLogger(), Token));
        Assert.Contains(Path.Combine(missing, "dist", "src", "blob", "main.js"), error.Message);
        Assert.Contains("./wf setup", error.Message);
    }

    [Fact]
    public void Without_a_repository_the_search_fails_with_a_hint_to_run_setup()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<EmbeddedAzuriteException>(() => AzuriteInstallation.Locate(null, [temp.Path]));
        Assert.Contains(EmbeddedAzuriteOptions.RepositoryRelativeInstallDirectory, error.Message);
        Assert.Contains(EmbeddedAzuriteOptions.InstallDirectoryEnvironmentVariable, error.Message);
        Assert.Contains(temp.Path, error.Message);
    }

    [Fact]
    public void A_node_modules_directory_is_accepted_as_the_install_directory()
    {
        var package = AzuriteInstallation.Locate(null);
        var fromNodeModules = AzuriteInstallation.Locate(Path.GetDirectoryName(package.Directory));
        Assert.Equal(package.Directory, fromNodeModules.Directory);
        Assert.Matches(@"^\d+\.\d+\.\d+", package.Version);
    }

    [Fact]
    public async Task A_missing_node_executable_fails_with_a_clear_error()
    {
        using var temp = new TempDirectory();
        var error = await Assert.ThrowsAsync<EmbeddedAzuriteException>(() => EmbeddedAzurite.StartAsync(
            new EmbeddedAzuriteOptions { DataDirectory = temp.Combine("azurite"), NodeExecutable = temp.Combine("bin", "node") }, new TestLogger(), Token));
        Assert.Contains(temp.Combine("bin", "node"), error.Message);
        Assert.Contains(nameof(EmbeddedAzuriteOptions.NodeExecutable), error.Message);
    }

    [Fact]
    public void A_node_name_that_is_not_on_the_path_fails_with_a_clear_error()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<EmbeddedAzuriteException>(() => NodeRuntime.Resolve("node", temp.Path));
        Assert.Contains("no 'node' on PATH", error.Message);
    }

    [Fact]
    public async Task A_configured_port_that_is_taken_fails_with_a_clear_error()
    {
        using var temp = new TempDirectory();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<EmbeddedAzuriteException>(() => EmbeddedAzurite.StartAsync(
            new EmbeddedAzuriteOptions { DataDirectory = temp.Combine("azurite"), Port = port }, new TestLogger(), Token));
        Assert.Contains($"Port {port}", error.Message);
        Assert.Contains("already in use", error.Message);
    }

    [Fact]
    public async Task Invalid_options_are_rejected_before_anything_starts()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => EmbeddedAzurite.StartAsync(
            new EmbeddedAzuriteOptions { DataDirectory = " ", Port = 70000 }, new TestLogger(), Token));
        Assert.Contains(nameof(EmbeddedAzuriteOptions.DataDirectory), error.Message);
        Assert.Contains(nameof(EmbeddedAzuriteOptions.Port), error.Message);
    }
}
