using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;

namespace Workflows.LocalServices;

/// <summary>Launching Azurite's blob service and waiting until it answers.</summary>
public sealed partial class EmbeddedAzurite
{
    /// <summary>Azurite's log file name inside the data directory.</summary>
    internal const string LogFileName = "azurite.log";

    private const int MaxPortAttempts = 3;

    /// <summary>The product Azurite's blob service names in its <c>Server</c> response header.</summary>
    private const string ServerProduct = "Azurite-Blob";

    private enum LaunchOutcome
    {
        Ready,
        PortTaken,
    }

    [SupportedOSPlatform("linux")]
    private static async Task<(Process Process, int Port)> LaunchAsync(
        EmbeddedAzuriteOptions options,
        AzuriteInstallation installation,
        string node,
        string dataDirectory,
        string logFile,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : LoopbackPort.PickFree();
            if (options.Port != 0 && !LoopbackPort.IsFree(port))
            {
                throw new EmbeddedAzuriteException(
                    $"Port {port} on 127.0.0.1 is already in use; Azurite for '{dataDirectory}' cannot listen there. Choose another port, or 0 for any free one.");
            }

            var logOffset = File.Exists(logFile) ? new FileInfo(logFile).Length : 0;
            logger.AzuriteStarting(installation.Version, port, dataDirectory, logFile);
            var started = TimeProvider.System.GetTimestamp();
            var process = Spawn(installation, node, dataDirectory, logFile, port);
            LaunchOutcome outcome;
            try
            {
                outcome = await WaitUntilAnsweringAsync(process, probe, port, options.StartTimeout, dataDirectory, logFile, logOffset, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await KillFailedStartAsync(process).ConfigureAwait(false);
                throw;
            }

            if (outcome == LaunchOutcome.Ready)
            {
                logger.AzuriteReady(process.Id, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/{AccountName}"), TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
                return (process, port);
            }

            process.Dispose();
            if (options.Port != 0 || attempt >= MaxPortAttempts)
            {
                throw new EmbeddedAzuriteException(
                    $"Azurite could not listen on 127.0.0.1:{port}: the port is in use. Log '{logFile}' ends with:{Environment.NewLine}{ServerLogTail.ReadLastLines(logFile, 20, logOffset)}");
            }

            // Another process took the port between our probe and Azurite's bind.
            logger.AzuritePortTakenRetrying(port);
        }
    }

    [SupportedOSPlatform("linux")]
    private static Process Spawn(AzuriteInstallation installation, string node, string dataDirectory, string logFile, int port)
    {
        string[] arguments =
        [
            installation.BlobServerScript,
            "--blobHost", "127.0.0.1",
            "--blobPort", port.ToString(CultureInfo.InvariantCulture),
            "--location", dataDirectory,

            // Azurite otherwise reaches out to a telemetry host, and refuses clients newer than itself.
            "--disableTelemetry",
            "--skipApiVersionCheck",

            // No access log: the log file keeps start-up and errors only.
            "--silent",

            // Idle keep-alive well above clients' pooled-connection reuse, so a reused connection is rarely closed under a request.
            "--blobKeepAliveTimeout", "120",
        ];

        var startInfo = CommandRunner.CreateServerStartInfo(logFile, node, arguments, userName: null, environment: null);

        // AZURITE_ACCOUNTS replaces the emulator account and its well-known key, which callers rely on.
        startInfo.Environment.Remove("AZURITE_ACCOUNTS");
        return Process.Start(startInfo)
            ?? throw new EmbeddedAzuriteException($"Could not start '{node} {installation.BlobServerScript}'.");
    }

    private static async Task<LaunchOutcome> WaitUntilAnsweringAsync(
        Process process,
        HttpClient probe,
        int port,
        TimeSpan timeout,
        string dataDirectory,
        string logFile,
        long logOffset,
        CancellationToken cancellationToken)
    {
        var serviceRoot = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/{AccountName}?comp=properties&restype=service");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                if (process.HasExited)
                {
                    var tail = ServerLogTail.ReadLastLines(logFile, 30, logOffset);
                    if (tail.Contains("EADDRINUSE", StringComparison.Ordinal))
                    {
                        return LaunchOutcome.PortTaken;
                    }

                    throw new EmbeddedAzuriteException(
                        $"Azurite for '{dataDirectory}' exited during start-up (exit code {process.ExitCode}). Log '{logFile}' ends with:{Environment.NewLine}{tail}");
                }

                if (await AnswersAsync(probe, serviceRoot, deadline.Token).ConfigureAwait(false))
                {
                    return LaunchOutcome.Ready;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EmbeddedAzuriteException(
                $"Azurite for '{dataDirectory}' did not answer on 127.0.0.1:{port} within {timeout.TotalSeconds:F0} s. " +
                $"Log '{logFile}' ends with:{Environment.NewLine}{ServerLogTail.ReadLastLines(logFile, 30, logOffset)}");
        }
    }

    /// <summary>True once Azurite answers HTTP; any status counts (an unsigned request gets 403), but only from Azurite.</summary>
    private static async Task<bool> AnswersAsync(HttpClient probe, Uri serviceRoot, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await probe.GetAsync(serviceRoot, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return response.Headers.Server.Any(server => server.Product?.Name == ServerProduct);
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The probe's own timeout: Node.js is still loading.
            return false;
        }
    }

    private static async Task KillFailedStartAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            process.Dispose();
        }
    }
}
