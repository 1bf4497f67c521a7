using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace Workflows.Testing;

/// <summary>
/// Finds the Python interpreter the tests run: the first of WORKFLOWS_PYTHON (set by <c>wf setup</c>), python3 on PATH
/// and /usr/bin/python3 that imports the modules asked for. The python3 first on PATH may be another interpreter than
/// the system's, which has Debian's python3-numpy and python3-torch.
/// </summary>
public static class TestPython
{
    private static readonly ConcurrentDictionary<string, string?> Found = new();

    /// <summary>An interpreter that imports every module in <paramref name="modules"/>; none throws, saying what to install.</summary>
    public static string With(params string[] modules)
    {
        var imports = string.Join(", ", modules);
        return Found.GetOrAdd(imports, Find) ?? throw new InvalidOperationException(
            $"No Python interpreter imports {imports}: run `./wf setup` (it installs Debian's python3-numpy and python3-torch) or set WORKFLOWS_PYTHON to one that does.");
    }

    private static string? Find(string imports)
    {
        string?[] candidates = [Environment.GetEnvironmentVariable("WORKFLOWS_PYTHON"), "python3", "/usr/bin/python3"];
        foreach (var candidate in candidates.OfType<string>().Where(c => c.Length > 0))
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(candidate, ["-c", $"import {imports}"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
                if (process.WaitForExit(60_000) && process.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (Win32Exception)
            {
                // Not installed: try the next.
            }
        }

        return null;
    }
}
