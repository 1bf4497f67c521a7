using System.Diagnostics;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Runs the same set of work items round after round (a batch's columns) on every core, longest first by the time
/// each item took in the previous round: cores then finish together, instead of one core running the last long item
/// alone while the other waits. One worker per core pulls the next item from a shared counter.
/// </summary>
internal sealed class LongestFirstWork(int items)
{
    private readonly int[] _order = [.. Enumerable.Range(0, items)];
    private readonly long[] _lastTicks = new long[items];

    /// <summary>Runs <paramref name="item"/> for every index once, in parallel, and returns when all are done.</summary>
    public void Run(Action<int> item, ParallelOptions options)
    {
        Array.Sort(_order, (a, b) => _lastTicks[b].CompareTo(_lastTicks[a]));
        var next = -1;
        Parallel.For(0, Math.Min(Environment.ProcessorCount, _order.Length), options, _ =>
        {
            int taken;
            while ((taken = Interlocked.Increment(ref next)) < _order.Length)
            {
                var index = _order[taken];
                var started = Stopwatch.GetTimestamp();
                item(index);
                _lastTicks[index] = Stopwatch.GetTimestamp() - started;
            }
        });
    }
}
