using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Workflows.LocalServices;

/// <summary>
/// Azurite's blob service run as a child process from the npm package <c>azurite</c> with Node.js, on a loopback
/// port, keeping its blobs in a data directory that survives restarts.
/// </summary>
/// <remarks>
/// <para>
/// Azurite serves the emulator account <see cref="AccountName"/> with its well-known <see cref="AccountKey"/>, in
/// path-style URLs (<c>http://127.0.0.1:PORT/devstoreaccount1/container/blob</c>). It is started with telemetry off
/// (it would reach out to a telemetry host) and the API version check off (clients newer than the emulator work).
/// </para>
/// <para>
/// Its output goes to <see cref="LogFile"/> in the data directory; start failures quote its tail. Disposing stops
/// the service with SIGTERM (Azurite flushes its metadata and exits), then SIGKILL after
/// <see cref="EmbeddedAzuriteOptions.StopTimeout"/>; a service this process never stopped receives SIGTERM when the
/// process exits normally.
/// </para>
/// </remarks>
public sealed partial class EmbeddedAzurite : IAsyncDisposable
{
    /// <summary>The emulator's account name.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The emulator's well-known account key (public, documented by Microsoft; it protects nothing).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly ServerStop _stop;
    private readonly EventHandler _onProcessExit;

    private EmbeddedAzurite(Process process, int port, string dataDirectory, string logFile, string installDirectory, TimeSpan stopTimeout, ILogger logger)
    {
        _process = process;
        _stop = new ServerStop(process, stopTimeout);
        _logger = logger;
        ProcessId = process.Id;
        Port = port;
        DataDirectory = dataDirectory;
        LogFile = logFile;
        InstallDirectory = installDirectory;
        BlobEndpoint = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/{AccountName}");
        _onProcessExit = (_, _) => ShutdownOnProcessExit();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
    }

    /// <summary>Gets the blob service endpoint of the emulator account: <c>http://127.0.0.1:PORT/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>
    /// Gets a storage connection string in Azure's format
    /// (<c>DefaultEndpointsProtocol=http;AccountName=...;AccountKey=...;BlobEndpoint=...;</c>).
    /// </summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    /// <summary>Gets the loopback TCP port the blob service listens on.</summary>
    public int Port { get; }

    /// <summary>Gets the directory Azurite keeps its blobs and metadata in.</summary>
    public string DataDirectory { get; }

    /// <summary>Gets Azurite's log file (its stdout and stderr, appended across starts).</summary>
    public string LogFile { get; }

    /// <summary>Gets the <c>azurite</c> package directory that runs the service.</summary>
    public string InstallDirectory { get; }

    /// <summary>Gets the process id of the Node.js process serving blobs.</summary>
    public int ProcessId { get; }

    /// <summary>Gets a value indicating whether the service process has exited (stopped, or died).</summary>
    public bool HasExited => _stop.Stopped || _process.HasExited;

    /// <summary>Starts Azurite's blob service for <paramref name="options"/> and waits until it answers HTTP.</summary>
    /// <param name="options">Where the data lives and how to run the service.</param>
    /// <param name="logger">Receives progress messages; none when null.</param>
    /// <param name="cancellationToken">Cancels the start; a service already launched is stopped again.</param>
    /// <returns>The running service; dispose it to stop it.</returns>
    /// <exception cref="EmbeddedAzuriteException">Node.js or the package is missing, the port is in use, or the
    /// service did not come up in time (the message quotes its log).</exception>
    public static async Task<EmbeddedAzurite> StartAsync(EmbeddedAzuriteOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new EmbeddedAzuriteOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException($"Invalid {nameof(EmbeddedAzuriteOptions)}: {validation.FailureMessage}", nameof(options));
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The embedded Azurite launcher runs on Linux only; elsewhere run Azurite yourself and configure its connection string.");
        }

        logger ??= NullLogger.Instance;
        var installation = AzuriteInstallation.Locate(options.InstallDirectory);
        var node = NodeRuntime.Resolve(options.NodeExecutable);
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var logFile = Path.Combine(dataDirectory, LogFileName);
        var (process, port) = await LaunchAsync(options, installation, node, dataDirectory, logFile, logger, cancellationToken).ConfigureAwait(false);
        return new EmbeddedAzurite(process, port, dataDirectory, logFile, installation.Directory, options.StopTimeout, logger);
    }

    /// <summary>
    /// Stops the service with SIGTERM and waits for it to exit; after <see cref="EmbeddedAzuriteOptions.StopTimeout"/>
    /// it is killed. Calling it again does nothing.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting politely: the service is then killed and the call throws.</param>
    /// <returns>A task that completes when the service has exited.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        _stop.StopAsync(
            () =>
            {
                _logger.AzuriteStopping(ProcessId);
                Signal(UnixSignal.Terminate);
            },
            KillAsync,
            Finish,
            cancellationToken);

    /// <summary>Stops the service (see <see cref="StopAsync"/>).</summary>
    /// <returns>A task that completes when the service has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
        _process.Dispose();
    }

    private void Finish()
    {
        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        _logger.AzuriteStopped(ProcessId);
    }

    private async Task KillAsync()
    {
        _logger.AzuriteKilled(ProcessId);
        Signal(UnixSignal.Kill);
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private void Signal(UnixSignal signal)
    {
        if (OperatingSystem.IsLinux() && !_process.HasExited)
        {
            UnixNative.TrySignal(ProcessId, signal);
        }
    }

    private void ShutdownOnProcessExit()
    {
        // Last resort for a host that never disposed the service: an orphaned Node.js process would hold the port.
        if (!_stop.Stopped && !_process.HasExited)
        {
            Signal(UnixSignal.Terminate);
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }
    }
}
