namespace Workflows.Orchestrations.Platform;

/// <summary>
/// Wakes waiters in this process when something they poll for changed (a job became leasable, an alias moved), so
/// they act at once instead of at their next poll. Other hosts still find the change by polling.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource pulse = NewPulse();

    /// <summary>Wakes every current waiter.</summary>
    public void Pulse() => Interlocked.Exchange(ref pulse, NewPulse()).TrySetResult();

    /// <summary>Completes at the next pulse or after <paramref name="timeout"/>, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref pulse).Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private static TaskCompletionSource NewPulse() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
