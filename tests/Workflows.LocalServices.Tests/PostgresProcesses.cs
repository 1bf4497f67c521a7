using System.Diagnostics;
using System.Globalization;

namespace Workflows.LocalServices.Tests;

/// <summary>Simulates a crash: SIGKILL to a postmaster and every process it started.</summary>
public static class PostgresProcesses
{
    /// <summary>
    /// Kills the postmaster <paramref name="pid"/> and its children, then waits until no process still works in
    /// <paramref name="dataDirectory"/> (backends hold the shared memory a new server must not find attached).
    /// </summary>
    public static async Task KillHardAsync(int pid, string dataDirectory, CancellationToken cancellationToken)
    {
        // Each child calls setsid(), so there is no process group to kill: collect children by parent id first,
        // because once the postmaster dies they are re-parented.
        var children = ChildrenOf(pid);
        Kill(pid);
        foreach (var child in children)
        {
            Kill(child);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (ProcessesIn(dataDirectory).Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Processes still run in '{dataDirectory}': {string.Join(", ", ProcessesIn(dataDirectory))}");
            }

            foreach (var straggler in ProcessesIn(dataDirectory))
            {
                Kill(straggler);
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public static List<int> ChildrenOf(int parent) =>
        AllPids().Where(p => ParentOf(p) == parent).ToList();

    /// <summary>Live (non-zombie) processes whose working directory is <paramref name="directory"/>.</summary>
    public static List<int> ProcessesIn(string directory)
    {
        var target = Path.TrimEndingDirectorySeparator(new DirectoryInfo(directory).FullName);
        var result = new List<int>();
        foreach (var pid in AllPids())
        {
            try
            {
                var cwd = new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget;
                if (cwd is not null && Path.TrimEndingDirectorySeparator(cwd) == target && State(pid) is not ('Z' or 'X'))
                {
                    result.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return result;
    }

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    private static int ParentOf(int pid) => int.TryParse(StatField(pid, 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) ? ppid : 0;

    private static char State(int pid) => StatField(pid, 0) is { Length: > 0 } state ? state[0] : '?';

    /// <summary>Field <paramref name="index"/> after the "(comm)" of /proc/PID/stat: 0 is the state, 1 the parent id.</summary>
    private static string? StatField(int pid, int index)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > index ? fields[index] : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
