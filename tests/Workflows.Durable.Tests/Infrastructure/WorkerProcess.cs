using System.Diagnostics;

namespace Workflows.Durable.Tests.Infrastructure;

/// <summary>A durable worker in a process of its own (the TestWorker program), to share a hub with or to kill.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public static async Task<WorkerProcess> StartAsync(string connectionString, string hubName, int leaseSeconds, CancellationToken cancellationToken, bool stallEpisodes = false)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Workflows.Durable.TestWorker.dll"));
        start.ArgumentList.Add(connectionString);
        start.ArgumentList.Add(hubName);
        start.ArgumentList.Add(leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (stallEpisodes)
        {
            start.ArgumentList.Add("stall");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The test worker did not start.");
        process.ErrorDataReceived += (_, e) => TestContext.Current.SendDiagnosticMessage($"worker {process.Id}: {e.Data}");
        process.BeginErrorReadLine();
        var line = await process.StandardOutput.ReadLineAsync(cancellationToken);
        if (line != "ready")
        {
            throw new InvalidOperationException($"The test worker said '{line}' instead of 'ready' (exit: {(process.HasExited ? process.ExitCode : "running")}).");
        }

        return new WorkerProcess(process);
    }

    /// <summary>Kills the process with SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        _process.Dispose();
    }
}
