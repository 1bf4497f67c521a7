using System.Diagnostics;

namespace Workflows.LocalServices.Tests;

/// <summary>
/// What a root process (CI, containers) needs: the server runs as an unprivileged user, and paths that user cannot
/// traverse are worked around. Skipped when the tests do not run as root.
/// </summary>
public sealed class RootLauncherTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task As_root_the_server_runs_as_an_unprivileged_user()
    {
        SkipUnlessRoot();
        using var temp = new TempDirectory();
        var logger = new TestLogger();
        await using var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg") }, logger, Token);

        var owner = (await File.ReadAllLinesAsync($"/proc/{server.ProcessId}/status", Token)).Single(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        Assert.DoesNotContain("\t0\t", owner + "\t");
        Assert.True(logger.Logged(1012));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(server.DataDirectory));
    }

    [Fact]
    public async Task A_data_directory_inside_a_private_root_directory_is_relocated_and_found_again()
    {
        SkipUnlessRoot();
        using var temp = new TempDirectory();
        var privateParent = temp.Combine("private");
        Directory.CreateDirectory(privateParent);
        File.SetUnixFileMode(privateParent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = new EmbeddedPostgresOptions { DataDirectory = Path.Combine(privateParent, "pg") };

        var logger = new TestLogger();
        string relocated;
        await using (var server = await EmbeddedPostgres.StartAsync(options, logger, Token))
        {
            relocated = server.DataDirectory;
            temp.DeleteOnDispose(relocated);
            Assert.NotEqual(options.DataDirectory, relocated);
            Assert.Contains(logger.Entries, e => e.EventId.Id == 1011 && e.Message.Contains(relocated, StringComparison.Ordinal));
            await Sql.ExecuteAsync(server.ConnectionString, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (7);");
        }

        await using var again = await EmbeddedPostgres.StartAsync(options, new TestLogger(), Token);
        Assert.Equal(relocated, again.DataDirectory);
        Assert.Equal(7, await Sql.ScalarAsync<int>(again.ConnectionString, "SELECT v FROM kept"));
    }

    [Fact]
    public async Task Binaries_the_server_user_cannot_reach_are_staged_into_a_shared_cache()
    {
        SkipUnlessRoot();
        using var temp = new TempDirectory();
        var original = PostgresInstallation.Locate(null);

        // A copy of the package inside a 0700 directory stands in for a CI clone under `mktemp -d`. Its
        // package.json comes along, so the staged copy is the one keyed by the package version.
        var privateParent = temp.Combine("private");
        Directory.CreateDirectory(privateParent);
        File.SetUnixFileMode(privateParent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var privatePackage = Path.Combine(privateParent, "package");
        using (var copy = Process.Start("cp", ["-a", Path.GetDirectoryName(original.Directory)!, privatePackage]))
        {
            await copy.WaitForExitAsync(Token);
            Assert.Equal(0, copy.ExitCode);
        }

        var privateInstall = Path.Combine(privatePackage, "native");
        await using var server = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = temp.Combine("pg"), InstallDirectory = privateInstall },
            new TestLogger(),
            Token);
        Assert.NotEqual(privateInstall, server.InstallDirectory);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "workflows-embedded-postgres", original.Version), server.InstallDirectory);
        Assert.Equal(1, await Sql.ScalarAsync<int>(server.ConnectionString, "SELECT 1"));
    }

    private static void SkipUnlessRoot()
    {
        if (Environment.UserName != "root")
        {
            Assert.Skip("Only a root process hands the server to another user.");
        }
    }
}
