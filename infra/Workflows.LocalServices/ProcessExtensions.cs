using System.Diagnostics;

namespace Workflows.LocalServices;

/// <summary>Waiting on a server process with a deadline, for graceful stops that escalate.</summary>
internal static class ProcessExtensions
{
    /// <summary>
    /// Waits up to <paramref name="timeout"/> for <paramref name="process"/> to exit: true when it did, false on
    /// timeout. Cancellation by <paramref name="cancellationToken"/> throws.
    /// </summary>
    public static async Task<bool> TryWaitForExitAsync(this Process process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
