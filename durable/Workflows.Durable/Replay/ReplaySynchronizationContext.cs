using System.Collections.Concurrent;

namespace Workflows.Durable.Replay;

/// <summary>
/// Runs orchestrator continuations one at a time on the replaying thread, in the order they become ready,
/// so that replay is deterministic. The executor drains it after each history event.
/// </summary>
internal sealed class ReplaySynchronizationContext(Action onLateContinuation) : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _ready = new();
    private volatile bool _closed;

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (_closed)
        {
            // Code resumed from another thread after the episode ended (Task.Run, CancelAsync, a real I/O call):
            // it cannot be replayed, so it is reported rather than silently lost.
            onLateContinuation();
            return;
        }

        _ready.Enqueue((d, state));
    }

    /// <summary>Ends the episode: continuations that arrive later are reported, not run.</summary>
    public void Close() => _closed = true;

    public override void Send(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs every ready continuation, including those that become ready while running.</summary>
    public void Drain()
    {
        while (_ready.TryDequeue(out var work))
        {
            work.Callback(work.State);
        }
    }
}
