namespace Workflows.Durable.Worker;

/// <summary>
/// Wakes idle dispatcher slots: as many as there is new work for, up to the number of slots. Signals given while no
/// slot waits are kept (up to that number), so a wake-up between "found no work" and "wait" is never lost. When more
/// work is announced than can be kept, the signal says so (<see cref="Overflowed"/>): slots then keep looking until
/// they find nothing, instead of waiting for wake-ups that were dropped.
/// </summary>
internal sealed class WorkSignal(int slots)
{
    private readonly SemaphoreSlim _semaphore = new(0, slots);
    private readonly Lock _lock = new();
    private volatile bool _overflowed;

    /// <summary>Whether announced work exceeded the wake-ups that could be kept, since a slot last found nothing.</summary>
    public bool Overflowed => _overflowed;

    /// <summary>Announces work for <paramref name="count"/> slots.</summary>
    public void Set(int count = 1)
    {
        lock (_lock)
        {
            // Only waiters lower the count meanwhile, so the release cannot overflow the semaphore.
            var release = Math.Min(count, slots - _semaphore.CurrentCount);
            if (release > 0)
            {
                _semaphore.Release(release);
            }

            if (release < count)
            {
                _overflowed = true;
            }
        }
    }

    /// <summary>A slot looked and found nothing: the backlog of dropped wake-ups is gone.</summary>
    public void FoundNothing() => _overflowed = false;

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _semaphore.WaitAsync(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout, cancellationToken);
}
