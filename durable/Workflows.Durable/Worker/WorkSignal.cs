namespace Workflows.Durable.Worker;

/// <summary>
/// Wakes an idle dispatcher. A signal set while nobody waits is remembered, so a wake-up between "found no work"
/// and "wait" is never lost; many signals before the wait count as one.
/// </summary>
internal sealed class WorkSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);
    private int _pending;

    public void Set()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _semaphore.Release();
        }
    }

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    /// <remarks>
    /// The flag is cleared after the wake-up and before the caller looks for work: a signal set in between finds
    /// the flag set and adds nothing, but its work is already committed, so that look finds it.
    /// </remarks>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signalled = await _semaphore.WaitAsync(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout, cancellationToken).ConfigureAwait(false);
        if (signalled)
        {
            Volatile.Write(ref _pending, 0);
        }

        return signalled;
    }
}
