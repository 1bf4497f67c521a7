namespace Workflows.Durable.Worker;

/// <summary>
/// Wakes idle dispatcher slots: as many as there is new work for, up to the number of slots. Signals given while no
/// slot waits are kept (up to that number), so a wake-up between "found no work" and "wait" is never lost.
/// </summary>
internal sealed class WorkSignal(int slots)
{
    private readonly SemaphoreSlim _semaphore = new(0, slots);
    private readonly Lock _lock = new();

    /// <summary>Announces work for <paramref name="count"/> slots.</summary>
    public void Set(int count = 1)
    {
        lock (_lock)
        {
            // Only waiters lower the count meanwhile, so the release cannot overflow.
            var release = Math.Min(count, slots - _semaphore.CurrentCount);
            if (release > 0)
            {
                _semaphore.Release(release);
            }
        }
    }

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _semaphore.WaitAsync(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout, cancellationToken);
}
