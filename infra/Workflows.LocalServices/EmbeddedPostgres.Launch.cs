using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Workflows.LocalServices;

/// <summary>Launching the postmaster and waiting until it serves.</summary>
public sealed partial class EmbeddedPostgres
{
    /// <summary>The server log's file name inside the data directory.</summary>
    internal const string ServerLogFileName = "server.log";

    private const int MaxPortAttempts = 3;

    /// <summary>The longest socket path PostgreSQL accepts (a Unix socket address holds 107 bytes; leave room).</summary>
    private const int MaxSocketPathLength = 100;
    private const long MaxLogBytes = 16 * 1024 * 1024;

    /// <summary>Settings applied unless <see cref="EmbeddedPostgresOptions.ServerSettings"/> overrides them.</summary>
    private static readonly Dictionary<string, string> _defaultSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        // Many host and worker processes share one server, each with its own pool.
        ["max_connections"] = "300",
    };

    private enum LaunchOutcome
    {
        Ready,
        PortTaken,
    }

    [SupportedOSPlatform("linux")]
    private static async Task<(Process Process, NpgsqlConnectionStringBuilder Connection)> LaunchAsync(
        EmbeddedPostgresOptions options,
        PostgresInstallation installation,
        ServerAccount account,
        string dataDirectory,
        string logFile,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : LoopbackPort.PickFree();
            if (options.Port != 0 && !LoopbackPort.IsFree(port))
            {
                throw new EmbeddedPostgresException(
                    $"Port {port} on 127.0.0.1 is already in use; PostgreSQL for '{dataDirectory}' cannot listen there. Choose another port, or 0 for any free one.");
            }

            // Local clients use the Unix socket in the cluster directory: each round trip costs less than over
            // loopback TCP (measured: about 17% more orchestrations per second). TCP stays open for other tools.
            var socketDirectory = SocketDirectoryFor(dataDirectory, port);
            var connection = new NpgsqlConnectionStringBuilder
            {
                Host = socketDirectory ?? "127.0.0.1",
                Port = port,
                Database = options.Database,
                Username = options.SuperUser,
                Password = options.SuperUserPassword,
            };

            var logOffset = File.Exists(logFile) ? new FileInfo(logFile).Length : 0;
            logger.ServerStarting(port, dataDirectory, logFile);
            var started = TimeProvider.System.GetTimestamp();
            var process = Spawn(options, installation, account, dataDirectory, logFile, port, socketDirectory);
            LaunchOutcome outcome;
            try
            {
                outcome = await WaitUntilReadyAsync(process, connection, options.StartTimeout, dataDirectory, logFile, logOffset, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await KillAsync(process).ConfigureAwait(false);
                throw;
            }

            if (outcome == LaunchOutcome.Ready)
            {
                logger.ServerReady(process.Id, port, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
                return (process, connection);
            }

            process.Dispose();
            if (options.Port != 0 || attempt >= MaxPortAttempts)
            {
                throw new EmbeddedPostgresException(
                    $"PostgreSQL could not listen on 127.0.0.1:{port}: the port is in use. Server log '{logFile}' ends with:{Environment.NewLine}{ServerLogTail.ReadLastLines(logFile, 20, logOffset)}");
            }

            // Another process took the port between our probe and the server's bind.
            logger.PortTakenRetrying(port);
        }
    }

    /// <summary>
    /// The cluster directory, when a socket there fits in a socket address (PostgreSQL refuses to start otherwise);
    /// null means TCP only.
    /// </summary>
    private static string? SocketDirectoryFor(string dataDirectory, int port) =>
        Path.Combine(dataDirectory, $".s.PGSQL.{port.ToString(CultureInfo.InvariantCulture)}").Length <= MaxSocketPathLength ? dataDirectory : null;

    [SupportedOSPlatform("linux")]
    private static Process Spawn(
        EmbeddedPostgresOptions options,
        PostgresInstallation installation,
        ServerAccount account,
        string dataDirectory,
        string logFile,
        int port,
        string? socketDirectory)
    {
        var arguments = new List<string>
        {
            "-D", dataDirectory,
            "-c", "listen_addresses=127.0.0.1",
            "-c", $"port={port.ToString(CultureInfo.InvariantCulture)}",

            // The socket, if any, lives in the cluster directory: nothing needs /var/run/postgresql.
            "-c", $"unix_socket_directories={socketDirectory}",
        };

        var settings = new Dictionary<string, string>(_defaultSettings, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in options.ServerSettings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            arguments.Add("-c");
            arguments.Add($"{key}={value}");
        }

        var startInfo = CommandRunner.CreateServerStartInfo(logFile, installation.Postgres, arguments, account.UserName, installation.Environment);
        return Process.Start(startInfo)
            ?? throw new EmbeddedPostgresException($"Could not start '{installation.Postgres}'.");
    }

    private static async Task<LaunchOutcome> WaitUntilReadyAsync(
        Process process,
        NpgsqlConnectionStringBuilder connection,
        TimeSpan timeout,
        string dataDirectory,
        string logFile,
        long logOffset,
        CancellationToken cancellationToken)
    {
        var probe = new NpgsqlConnectionStringBuilder(connection.ConnectionString)
        {
            Database = "postgres",
            Pooling = false,
            Timeout = 5,
        };

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (process.HasExited)
            {
                var tail = ServerLogTail.ReadLastLines(logFile, 30, logOffset);
                if (tail.Contains("Address already in use", StringComparison.Ordinal) || tail.Contains("could not bind", StringComparison.Ordinal))
                {
                    return LaunchOutcome.PortTaken;
                }

                throw new EmbeddedPostgresException(
                    $"PostgreSQL for '{dataDirectory}' exited during start-up (exit code {process.ExitCode}). Server log '{logFile}' ends with:{Environment.NewLine}{tail}");
            }

            try
            {
                var connectionToProbe = new NpgsqlConnection(probe.ConnectionString);
                await using (connectionToProbe.ConfigureAwait(false))
                {
                    await connectionToProbe.OpenAsync(deadline.Token).ConfigureAwait(false);
                    return LaunchOutcome.Ready;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw TimedOut();
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or System.Net.Sockets.SocketException)
            {
                // Not listening yet, or "the database system is starting up" (57P03): try again shortly.
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw TimedOut();
            }
        }

        EmbeddedPostgresException TimedOut() => new(
            $"PostgreSQL for '{dataDirectory}' did not accept connections on 127.0.0.1:{connection.Port} within {timeout.TotalSeconds:F0} s. " +
            $"Server log '{logFile}' ends with:{Environment.NewLine}{ServerLogTail.ReadLastLines(logFile, 30, logOffset)}");
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                // Immediate shutdown first; the cluster recovers from WAL at the next start.
                if (OperatingSystem.IsLinux())
                {
                    UnixNative.TrySignal(process.Id, UnixSignal.Quit);
                }

                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    private static void RotateLog(string logFile)
    {
        // Appending across starts keeps history for diagnosis; one previous generation bounds the size.
        if (File.Exists(logFile) && new FileInfo(logFile).Length > MaxLogBytes)
        {
            File.Move(logFile, logFile + ".1", overwrite: true);
        }
    }
}
