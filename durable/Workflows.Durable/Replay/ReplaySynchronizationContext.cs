using System.Collections.Concurrent;

namespace Workflows.Durable.Replay;

/// <summary>
/// Runs orchestrator continuations one at a time on the replaying thread, in the order they become ready,
/// so that replay is deterministic. The executor drains it after each history event.
/// </summary>
internal sealed class ReplaySynchronizationContext : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _ready = new();

    public override void Post(SendOrPostCallback d, object? state) => _ready.Enqueue((d, state));

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
