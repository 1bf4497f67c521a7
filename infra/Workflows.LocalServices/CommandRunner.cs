using System.Diagnostics;
using System.Text;

namespace Workflows.LocalServices;

/// <summary>Starts tools (<c>initdb</c>, a probe) and servers with a clean environment; runs a tool to completion and captures its output.</summary>
internal static class CommandRunner
{
    /// <summary>The outcome of a finished command.</summary>
    /// <param name="ExitCode">The process exit code.</param>
    /// <param name="Output">Standard output and standard error, interleaved as they arrived.</param>
    public readonly record struct Result(int ExitCode, string Output)
    {
        /// <summary>Gets a value indicating whether the command exited with code 0.</summary>
        public bool Succeeded => ExitCode == 0;
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/>, as <paramref name="userName"/> when given
    /// (this process must then be root). Cancellation kills the process.
    /// </summary>
    public static async Task<Result> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? userName,
        IReadOnlyDictionary<string, string>? environment,
        CancellationToken cancellationToken)
    {
        var startInfo = CreateStartInfo(fileName, arguments, userName, environment);
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new Result(-1, $"could not start '{fileName}': {ex.Message}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        lock (output)
        {
            return new Result(process.ExitCode, output.ToString());
        }
    }

    /// <summary>
    /// Builds a start-info for a long-running server whose stdout and stderr are appended to <paramref name="logFile"/>.
    /// </summary>
    /// <remarks>
    /// A shell opens the log and then becomes the server (exec), so the PID the caller holds is the server's and the
    /// server keeps logging even if this process dies. No pipe to this process is inherited, so a test runner never
    /// waits on an orphaned server's output.
    /// </remarks>
    public static ProcessStartInfo CreateServerStartInfo(
        string logFile,
        string fileName,
        IEnumerable<string> arguments,
        string? userName,
        IReadOnlyDictionary<string, string>? environment) =>
        CreateStartInfo(
            "/bin/sh",
            ["-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "sh", logFile, fileName, .. arguments],
            userName,
            environment);

    /// <summary>
    /// Builds a start-info with a clean PostgreSQL environment: inherited <c>PG*</c> variables (PGDATA, PGPORT, ...)
    /// would silently change what the tools do.
    /// </summary>
    public static ProcessStartInfo CreateStartInfo(
        string fileName,
        IEnumerable<string> arguments,
        string? userName,
        IReadOnlyDictionary<string, string>? environment)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (userName is not null)
        {
            // .NET switches uid, gid and supplementary groups in the child before exec (root only).
            startInfo.UserName = userName;
        }

        foreach (var key in startInfo.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(key);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        return startInfo;
    }
}
