using System.Diagnostics;
using System.Text;
using Workflows.Testing;

namespace Workflows.Functions.Tests.Infrastructure;

/// <summary>
/// A real worker process (the Workflows.GpuWorker agent) serving a test host on the CPU, with real trainers. Killing
/// it kills its whole process tree, as losing the machine would.
/// </summary>
public sealed class TestWorker : IAsyncDisposable
{
    public const string Token = "worker-token-5c1e";

    private readonly Process process;
    private readonly StringBuilder log = new();

    private TestWorker(Process process, string name)
    {
        this.process = process;
        Name = name;
    }

    public string Name { get; }

    /// <summary>The worker's output so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>Starts a worker for the host at <paramref name="hostUrl"/>; <paramref name="trainersDirectory"/> replaces the shipped trainers.</summary>
    public static TestWorker Start(string hostUrl, string name, string? trainersDirectory = null)
    {
        var agent = Path.Combine(AppContext.BaseDirectory, "Workflows.GpuWorker.dll");
        List<string> arguments =
        [
            agent, "--worker:hostUrl", hostUrl, "--worker:token", Token, "--worker:name", name, "--worker:devices", "cpu", "--worker:threads", "1",
            "--worker:leaseWait", "00:00:02", "--worker:python", TestPython.With("numpy", "torch"),
            "--worker:workDirectory", Path.Combine(Path.GetTempPath(), "workflows-functions-tests", "worker-" + name),
            "--Logging:LogLevel:Default", "Information",
        ];
        if (trainersDirectory is not null)
        {
            arguments.AddRange(["--worker:trainersDirectory", trainersDirectory]);
        }

        var process = new Process { StartInfo = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true } };
        var worker = new TestWorker(process, name);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>SIGKILL to the worker and its trainer: no goodbye, no checkpoint, no report.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM to the worker alone, as `docker stop` or a scale-down sends it; waits until it has exited and returns its exit code.</summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }

    public bool HasExited => process.HasExited;

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }
}
