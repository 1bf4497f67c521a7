namespace Workflows.Durable.Worker;

/// <summary>
/// How long an idle dispatcher waits before looking again: doubling from 100 ms to a cap, with jitter so that many
/// workers do not poll in step. Polling is only the fallback: local signals and notifications bring new work at once.
/// </summary>
internal sealed class PollingBackoff(TimeSpan max)
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);
    private TimeSpan _current = Min;

    public TimeSpan Next()
    {
        var wait = _current;
        _current = TimeSpan.FromTicks(Math.Min(_current.Ticks * 2, max.Ticks));
        return wait * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }

    public void Reset() => _current = Min;
}
