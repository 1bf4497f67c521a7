using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Workflows.LocalServices;

/// <summary>
/// Prepares the cluster directory: makes it reachable by the server's account (relocating it when a root
/// process's path is not), and runs <c>initdb</c> once.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class DataDirectory
{
    /// <summary>Where clusters whose requested path the server's user cannot reach are kept; /var/tmp survives reboots.</summary>
    private static readonly string _relocationRoot =
        Path.Combine(Directory.Exists("/var/tmp") ? "/var/tmp" : Path.GetTempPath(), "workflows-embedded-postgres-data");

    /// <summary>Returns the effective data directory, existing, owned by <paramref name="account"/> and holding an initialized cluster.</summary>
    public static async Task<string> PrepareAsync(
        EmbeddedPostgresOptions options,
        PostgresInstallation installation,
        ServerAccount account,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var requested = Path.GetFullPath(options.DataDirectory);
        var directory = await EnsureReachableAsync(requested, account, logger, cancellationToken).ConfigureAwait(false);
        if (directory is null)
        {
            // The requested path is not reachable by the server's user: keep the cluster under a stable, reachable
            // path derived from the requested one, so the next start finds it again.
            var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requested)))[..16];
            var relocated = Path.Combine(_relocationRoot, $"{Path.GetFileName(requested)}-{key}");
            Directory.CreateDirectory(_relocationRoot);
            File.SetUnixFileMode(_relocationRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            directory = await EnsureReachableAsync(relocated, account, logger, cancellationToken).ConfigureAwait(false)
                ?? throw new EmbeddedPostgresException($"User '{account.DisplayName}' can reach neither '{requested}' nor '{relocated}'.");
            logger.DataDirectoryRelocated(requested, directory, account.DisplayName);
        }

        if (File.Exists(Path.Combine(directory, "PG_VERSION")))
        {
            return directory;
        }

        if (Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new EmbeddedPostgresException(
                $"The data directory '{directory}' is not empty and holds no PostgreSQL cluster (no PG_VERSION). Empty it or choose another directory.");
        }

        await InitializeAsync(directory, options, installation, account, logger, cancellationToken).ConfigureAwait(false);
        return directory;
    }

    /// <summary>Creates <paramref name="directory"/> for the account; null when the account cannot reach it.</summary>
    private static async Task<string?> EnsureReachableAsync(string directory, ServerAccount account, ILogger logger, CancellationToken cancellationToken)
    {
        var existed = Directory.Exists(directory);
        Directory.CreateDirectory(directory);
        if (!account.SwitchesUser)
        {
            return directory;
        }

        if (!existed)
        {
            account.TakeOwnership(directory);
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else if (UnixNative.GetOwner(directory).Uid != account.Uid)
        {
            if (File.Exists(Path.Combine(directory, "PG_VERSION")))
            {
                // A cluster created by another account (a non-root run, another machine's postgres uid).
                account.TakeOwnershipRecursively(directory);
                logger.OwnershipChanged(directory, account.DisplayName);
            }
            else if (!Directory.EnumerateFileSystemEntries(directory).Any())
            {
                account.TakeOwnership(directory);
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        if (await account.CanWriteAsync(directory, cancellationToken).ConfigureAwait(false))
        {
            return directory;
        }

        if (!existed)
        {
            Directory.Delete(directory);
        }

        return null;
    }

    private static async Task InitializeAsync(
        string directory,
        EmbeddedPostgresOptions options,
        PostgresInstallation installation,
        ServerAccount account,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        logger.InitializingCluster(directory, account.DisplayName);
        var started = TimeProvider.System.GetTimestamp();

        // initdb into a sibling, then rename: a crash or failure never leaves a half-built cluster under the real name.
        var staging = $"{directory}.initdb";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        account.TakeOwnership(staging);

        var arguments = new List<string>
        {
            "-D", staging,
            "-U", options.SuperUser,
            "-E", "UTF8",
            "--locale=C",

            // Durable defaults kept: initdb fsyncs the new cluster (measured: no slower here than --no-sync).
        };

        string? passwordFile = null;
        if (options.SuperUserPassword is null)
        {
            arguments.Add("--auth=trust");
        }
        else
        {
            // The data directory is empty and private to the account while initdb builds the sibling.
            passwordFile = Path.Combine(directory, "initdb.pw");
            await File.WriteAllTextAsync(passwordFile, options.SuperUserPassword + "\n", cancellationToken).ConfigureAwait(false);
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            account.TakeOwnership(passwordFile);
            // Clients connect over the Unix socket as well as TCP: both ask for the password.
            arguments.Add("--auth=scram-sha-256");
            arguments.Add($"--pwfile={passwordFile}");
        }

        CommandRunner.Result result;
        try
        {
            result = await account.RunAsync(installation.InitDb, arguments, installation.Environment, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (passwordFile is not null)
            {
                File.Delete(passwordFile);
            }
        }

        if (!result.Succeeded)
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw new EmbeddedPostgresException(
                $"initdb failed (exit code {result.ExitCode}) for '{directory}' as user '{account.DisplayName}':{Environment.NewLine}{ServerLogTail.LastLines(result.Output, 40)}");
        }

        Directory.Delete(directory);
        Directory.Move(staging, directory);
        logger.ClusterInitialized(directory, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
    }
}
