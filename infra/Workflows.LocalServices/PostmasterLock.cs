using System.Globalization;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;

namespace Workflows.LocalServices;

/// <summary>
/// Interprets <c>postmaster.pid</c>, the lock file a running server keeps in its data directory. After a crash the
/// file stays behind; its PID may since belong to an unrelated process, which PostgreSQL cannot tell from a live
/// server when that process belongs to another user. The launcher decides instead, from <c>/proc</c>.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class PostmasterLock
{
    /// <summary>The lock file's name inside the data directory.</summary>
    public const string FileName = "postmaster.pid";

    /// <summary>
    /// Removes a stale lock file, or throws when a live PostgreSQL server owns <paramref name="dataDirectory"/>.
    /// </summary>
    public static void ClearIfStale(string dataDirectory, ILogger logger)
    {
        var lockFile = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(lockFile))
        {
            return;
        }

        var firstLine = File.ReadLines(lockFile).FirstOrDefault()?.Trim();
        if (!int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            Remove(lockFile, logger, 0, "it holds no process id");
            return;
        }

        var reason = StaleReason(pid, dataDirectory);
        if (reason is null)
        {
            throw new EmbeddedPostgresException(
                $"The data directory '{dataDirectory}' is in use by a running PostgreSQL server (PID {pid}). " +
                $"Stop that server (kill -INT {pid}) or use another data directory.");
        }

        Remove(lockFile, logger, pid, reason);
    }

    /// <summary>Returns why the server recorded as <paramref name="pid"/> is gone, or null when it still runs on <paramref name="dataDirectory"/>.</summary>
    private static string? StaleReason(int pid, string dataDirectory)
    {
        var proc = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
        string command;
        string stat;
        try
        {
            command = File.ReadAllText($"{proc}/comm").Trim();
            stat = File.ReadAllText($"{proc}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "that process no longer exists";
        }

        if (!string.Equals(command, "postgres", StringComparison.Ordinal))
        {
            return $"that process id now belongs to '{command}'";
        }

        // /proc/PID/stat is "pid (comm) state ...": a zombie has exited and only awaits its parent's wait().
        var state = stat.LastIndexOf(')') is var close and >= 0 && close + 2 < stat.Length ? stat[close + 2] : '?';
        if (state is 'Z' or 'X')
        {
            return "that process has exited";
        }

        string? workingDirectory;
        try
        {
            // A postmaster changes into its data directory at start-up and stays there.
            workingDirectory = new DirectoryInfo($"{proc}/cwd").LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Cannot look: assume it is the owner rather than risk two servers on one cluster.
            return null;
        }

        if (workingDirectory is null)
        {
            return null;
        }

        var same = string.Equals(
            Path.TrimEndingDirectorySeparator(workingDirectory),
            Path.TrimEndingDirectorySeparator(UnixNative.RealPath(dataDirectory)),
            StringComparison.Ordinal);
        return same ? null : $"that process is a PostgreSQL server for '{workingDirectory}'";
    }

    private static void Remove(string lockFile, ILogger logger, int pid, string reason)
    {
        File.Delete(lockFile);
        logger.StaleLockFileRemoved(lockFile, pid, reason);
    }
}
