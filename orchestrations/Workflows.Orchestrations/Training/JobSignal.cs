namespace Workflows.Orchestrations.Training;

/// <summary>
/// Wakes lease requests waiting in this process when a job becomes leasable, so an idle worker starts a job at once
/// instead of at its next poll. Workers of other hosts still find it by polling.
/// </summary>
public sealed class JobSignal
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
