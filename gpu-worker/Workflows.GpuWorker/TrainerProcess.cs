using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Workflows.GpuWorker;

/// <summary>
/// A running trainer: its stdout lines, the tail of its stderr, and the two ways to stop it: SIGTERM (it checkpoints
/// and exits 75) and killing its whole process tree (a cancelled job must not leave data loaders running).
/// </summary>
internal sealed partial class TrainerProcess : IDisposable
{
    /// <summary>The trainer finished and wrote its outputs.</summary>
    public const int ExitSucceeded = 0;

    /// <summary>The job spec or data is unusable: another attempt would fail the same way.</summary>
    public const int ExitBadJob = 2;

    /// <summary>Stopped by SIGTERM after writing a checkpoint: resume later.</summary>
    public const int ExitInterrupted = 75;

    private const int SigTerm = 15;
    private const int StderrLines = 40;

    private readonly Process process;
    private readonly Queue<string> stderrTail = new();

    private TrainerProcess(Process process) => this.process = process;

    public int ExitCode => process.ExitCode;

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/>; every stderr line goes to <paramref name="onStderr"/> too.</summary>
    public static TrainerProcess Start(string program, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, Action<string> onStderr)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var trainer = new TrainerProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (trainer.stderrTail)
            {
                trainer.stderrTail.Enqueue(e.Data);
                if (trainer.stderrTail.Count > StderrLines)
                {
                    trainer.stderrTail.Dequeue();
                }
            }

            onStderr(e.Data);
        };
        process.Start();
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        return trainer;
    }

    /// <summary>The next stdout line; null at the end of the stream.</summary>
    public Task<string?> ReadLineAsync(CancellationToken cancellationToken) => process.StandardOutput.ReadLineAsync(cancellationToken).AsTask();

    /// <summary>The last lines of stderr, for error reports.</summary>
    public string StderrTail()
    {
        lock (stderrTail)
        {
            return string.Join('\n', stderrTail);
        }
    }

    /// <summary>Asks the trainer to checkpoint and stop.</summary>
    public void Terminate()
    {
        if (!process.HasExited)
        {
            _ = Kill(process.Id, SigTerm);
        }
    }

    /// <summary>Kills the trainer and everything it started.</summary>
    public void KillTree()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }

    public async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => process.Dispose();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
