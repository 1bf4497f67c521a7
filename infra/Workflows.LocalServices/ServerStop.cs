using System.Diagnostics;

namespace Workflows.LocalServices;

/// <summary>
/// How an embedded server stops, the same for each: once; politely first (a signal), then forcefully when the
/// server has not exited within the stop timeout or the caller stops waiting. Concurrent callers wait for one stop.
/// </summary>
internal sealed class ServerStop(Process process, TimeSpan timeout) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _stopped;

    /// <summary>Whether the server was stopped (it may also have exited by itself).</summary>
    public bool Stopped => Volatile.Read(ref _stopped);

    /// <param name="askPolitely">Announces the stop and sends the polite signal.</param>
    /// <param name="force">Ends the server for sure.</param>
    /// <param name="finish">Runs once the server is gone, before any caller returns.</param>
    /// <param name="cancellationToken">Stops waiting politely: the server is then forced and the call throws.</param>
    public async Task StopAsync(Action askPolitely, Func<Task> force, Action finish, CancellationToken cancellationToken)
    {
        if (Stopped)
        {
            // Also after Dispose: stopping twice, or disposing twice, does nothing.
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Stopped)
            {
                return;
            }

            if (!process.HasExited)
            {
                askPolitely();
                bool exited;
                try
                {
                    exited = await process.TryWaitForExitAsync(timeout, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await force().ConfigureAwait(false);
                    Finish(finish);
                    throw;
                }

                if (!exited)
                {
                    await force().ConfigureAwait(false);
                }
            }

            Finish(finish);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private void Finish(Action finish)
    {
        Volatile.Write(ref _stopped, true);
        finish();
    }
}
