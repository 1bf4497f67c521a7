using Microsoft.Extensions.Logging;

namespace Workflows.LocalServices;

/// <summary>Source-generated log messages of this assembly, with fixed event ids (1xxx: embedded PostgreSQL, 2xxx: embedded Azurite).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Initializing a PostgreSQL cluster in '{DataDirectory}' as user '{User}'")]
    public static partial void InitializingCluster(this ILogger logger, string dataDirectory, string user);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Initialized the PostgreSQL cluster in '{DataDirectory}' in {ElapsedMs:F0} ms")]
    public static partial void ClusterInitialized(this ILogger logger, string dataDirectory, double elapsedMs);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Removed the stale lock file '{LockFile}' (PID {Pid}): {Reason}")]
    public static partial void StaleLockFileRemoved(this ILogger logger, string lockFile, int pid, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Starting PostgreSQL on 127.0.0.1:{Port} for '{DataDirectory}' (server log: '{LogFile}')")]
    public static partial void ServerStarting(this ILogger logger, int port, string dataDirectory, string logFile);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "PostgreSQL (PID {Pid}) accepts connections on 127.0.0.1:{Port} after {ElapsedMs:F0} ms")]
    public static partial void ServerReady(this ILogger logger, int pid, int port, double elapsedMs);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Created database '{Database}'")]
    public static partial void DatabaseCreated(this ILogger logger, string database);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Stopping PostgreSQL (PID {Pid}, fast shutdown)")]
    public static partial void ServerStopping(this ILogger logger, int pid);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "PostgreSQL (PID {Pid}) stopped")]
    public static partial void ServerStopped(this ILogger logger, int pid);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "PostgreSQL (PID {Pid}) did not stop in time; sending {Signal}")]
    public static partial void ShutdownEscalated(this ILogger logger, int pid, string signal);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "The server's user cannot reach '{Source}'; staging a copy of the PostgreSQL binaries in '{Target}'")]
    public static partial void StagingBinaries(this ILogger logger, string source, string target);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "User '{User}' cannot reach the data directory '{Requested}' (a parent directory is not traversable); keeping the cluster in '{Actual}' instead")]
    public static partial void DataDirectoryRelocated(this ILogger logger, string requested, string actual, string user);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "Running PostgreSQL as user '{User}' because this process is root")]
    public static partial void RunningAsUser(this ILogger logger, string user);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "Using the configured external PostgreSQL server at {Host}:{Port}")]
    public static partial void UsingExternalServer(this ILogger logger, string? host, int port);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "Port {Port} was taken before PostgreSQL could bind it; retrying with another free port")]
    public static partial void PortTakenRetrying(this ILogger logger, int port);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Warning, Message = "Gave '{DataDirectory}' to user '{User}': the cluster belonged to another account")]
    public static partial void OwnershipChanged(this ILogger logger, string dataDirectory, string user);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Warning, Message = "Server setting fsync=off: a crash can corrupt the cluster and lose committed work")]
    public static partial void FsyncDisabled(this ILogger logger);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Starting Azurite {Version} (blob service) on 127.0.0.1:{Port} for '{DataDirectory}' (log: '{LogFile}')")]
    public static partial void AzuriteStarting(this ILogger logger, string version, int port, string dataDirectory, string logFile);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Azurite (PID {Pid}) answers on {BlobEndpoint} after {ElapsedMs:F0} ms")]
    public static partial void AzuriteReady(this ILogger logger, int pid, Uri blobEndpoint, double elapsedMs);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Stopping Azurite (PID {Pid})")]
    public static partial void AzuriteStopping(this ILogger logger, int pid);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Azurite (PID {Pid}) stopped")]
    public static partial void AzuriteStopped(this ILogger logger, int pid);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Azurite (PID {Pid}) did not stop in time; sending SIGKILL")]
    public static partial void AzuriteKilled(this ILogger logger, int pid);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Port {Port} was taken before Azurite could bind it; retrying with another free port")]
    public static partial void AzuritePortTakenRetrying(this ILogger logger, int port);
}
