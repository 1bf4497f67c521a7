using System.Collections.Concurrent;
using Workflows.Durable.History;

namespace Workflows.Durable.Worker;

/// <summary>
/// Histories of instances this process ran recently, so an episode reads only what it has not seen. History is
/// append-only within an execution and only the lock holder appends, so a cached prefix of the right execution
/// is always valid; a shorter one is topped up from the database.
/// </summary>
internal sealed class HistoryCache(int capacity)
{
    private readonly ConcurrentDictionary<string, (Guid ExecutionId, List<HistoryEvent> History)> _entries = new(StringComparer.Ordinal);

    /// <summary>The cached history of this execution, or an empty list to fill.</summary>
    public List<HistoryEvent> Get(string instanceId, Guid executionId) =>
        _entries.TryGetValue(instanceId, out var entry) && entry.ExecutionId == executionId ? entry.History : [];

    public void Set(string instanceId, Guid executionId, List<HistoryEvent> history)
    {
        if (_entries.Count >= capacity && !_entries.ContainsKey(instanceId))
        {
            // Crude but bounded: a miss only costs a read of the history.
            _entries.Clear();
        }

        _entries[instanceId] = (executionId, history);
    }

    public void Remove(string instanceId) => _entries.TryRemove(instanceId, out _);
}
