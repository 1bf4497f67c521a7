using System.Collections.Concurrent;
using Workflows.Durable.History;

namespace Workflows.Durable.Worker;

/// <summary>
/// Histories of instances this process ran recently, so an episode reads only what it has not seen. History is
/// append-only within an execution and only the lock holder appends, so a cached prefix of the right execution is
/// always valid, however stale: a shorter one is topped up from the database.
/// </summary>
/// <remarks>
/// Entries are immutable snapshots. An episode never appends to a cached list: the next holder of the instance lock
/// may already be reading that entry while this episode records its own result.
/// </remarks>
internal sealed class HistoryCache(int capacity)
{
    private readonly ConcurrentDictionary<string, (Guid ExecutionId, HistoryEvent[] History)> _entries = new(StringComparer.Ordinal);

    /// <summary>The cached history of this execution, or an empty one.</summary>
    public IReadOnlyList<HistoryEvent> Get(string instanceId, Guid executionId) =>
        _entries.TryGetValue(instanceId, out var entry) && entry.ExecutionId == executionId ? entry.History : [];

    public void Set(string instanceId, Guid executionId, HistoryEvent[] history)
    {
        if (_entries.Count >= capacity && !_entries.ContainsKey(instanceId))
        {
            // Crude but bounded: a miss only costs a read of the history.
            _entries.Clear();
        }

        _entries.AddOrUpdate(instanceId, (executionId, history), (_, existing) =>
            // A slower episode must not replace a longer snapshot of the same execution with its shorter one.
            existing.ExecutionId == executionId && existing.History.Length > history.Length ? existing : (executionId, history));
    }

    public void Remove(string instanceId) => _entries.TryRemove(instanceId, out _);
}
