using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Workflows.Durable.Replay;

/// <summary>
/// The orchestration context used during an episode: turns calls into actions and history events back into task
/// results. Partial: the API half is here, the history half in ReplayOrchestrationContext.History.cs.
/// </summary>
internal sealed partial class ReplayOrchestrationContext : TaskOrchestrationContext
{
    private static readonly Guid GuidNamespace = new("9e952958-5e33-4daf-827f-2fa12937b875");

    private readonly DurableTaskRegistry _registry;
    private readonly DataConverter _converter;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SortedDictionary<int, OrchestratorAction> _pendingActions = [];
    private readonly Dictionary<int, OpenTask> _openTasks = [];
    private readonly Dictionary<string, LinkedList<TaskCompletionSource<string?>>> _eventWaiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<string?>> _bufferedEvents = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _bufferedEventOrder = [];
    private int _nextTaskId;
    private int _guidCounter;

    public ReplayOrchestrationContext(string instanceId, DurableTaskRegistry registry, DataConverter converter, ILoggerFactory loggerFactory)
    {
        InstanceId = instanceId;
        _registry = registry;
        _converter = converter;
        _loggerFactory = loggerFactory;
    }

    public override string Name => _name ?? throw new InvalidOperationException("The execution has not started.");

    public override string InstanceId { get; }

    public override ParentOrchestrationInstance? Parent => _parent;

    public override bool IsReplaying => _isReplaying;

    public override DateTime CurrentUtcDateTime => _currentUtcDateTime;

    /// <summary>The custom status as JSON, as last set by the code.</summary>
    public string? CustomStatus { get; private set; }

    /// <summary>Set when the code asked to continue as new: the next execution's input.</summary>
    public (string? Input, bool PreserveEvents)? ContinueAsNewRequest { get; private set; }

    /// <summary>Actions the code took that history does not record yet: the episode's new work.</summary>
    public IEnumerable<OrchestratorAction> NewActions => _pendingActions.Values;

    public override Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        var registration = _registry.TryGetActivity(name, out var found)
            ? found
            : throw new ArgumentException($"No activity named '{name}' is registered. Registered activities: {string.Join(", ", _registry.ActivityNames.Order())}.", nameof(name));
        var json = SerializeInput(input, registration, "activity");
        return WithRetry(() =>
        {
            var id = _nextTaskId++;
            _pendingActions.Add(id, new ScheduleTaskAction(id, registration.Name, json));
            return Open<TResult>(id, registration.Name);
        }, options?.Retry);
    }

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        var registration = _registry.TryGetOrchestrator(name, out var found)
            ? found
            : throw new ArgumentException($"No orchestrator named '{name}' is registered. Registered orchestrators: {string.Join(", ", _registry.OrchestratorNames.Order())}.", nameof(name));
        var json = SerializeInput(input, registration, "orchestrator");
        var childId = (options as SubOrchestrationOptions)?.InstanceId;
        return WithRetry(() =>
        {
            var id = _nextTaskId++;
            // A retry of a child with a fixed id reuses it: the failed child is terminal, so the id can be restarted.
            var instanceId = childId ?? NewGuid().ToString("N");
            _pendingActions.Add(id, new CreateSubOrchestrationAction(id, registration.Name, instanceId, json));
            return Open<TResult>(id, registration.Name);
        }, options?.Retry);
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var id = _nextTaskId++;
        var utc = fireAt.Kind switch
        {
            DateTimeKind.Local => fireAt.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(fireAt, DateTimeKind.Utc),
            _ => fireAt,
        };
        _pendingActions.Add(id, new CreateTimerAction(id, utc));
        var completion = RegisterOpenTask(id, "timer");
        if (cancellationToken.CanBeCanceled)
        {
            // Cancellation comes from orchestrator code, so this runs on the replay thread, deterministically.
            cancellationToken.Register(() =>
            {
                if (_openTasks.Remove(id))
                {
                    completion.TrySetCanceled(cancellationToken);
                }
            });
        }

        return completion.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        if (_bufferedEvents.TryGetValue(eventName, out var buffered) && buffered.Count > 0)
        {
            _bufferedEventOrder.Remove(eventName);
            return Deserialize<T>(Task.FromResult(buffered.Dequeue()));
        }

        if (!_eventWaiters.TryGetValue(eventName, out var waiters))
        {
            _eventWaiters[eventName] = waiters = new();
        }

        var waiter = new TaskCompletionSource<string?>();
        var node = waiters.AddLast(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (node.List is not null)
                {
                    waiters.Remove(node);
                    waiter.TrySetCanceled(cancellationToken);
                }
            });
        }

        return Deserialize<T>(waiter.Task);
    }

    public override void SetCustomStatus(object? customStatus) => CustomStatus = _converter.Serialize(customStatus);

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) =>
        ContinueAsNewRequest = (_converter.Serialize(newInput), preserveUnprocessedEvents);

    public override Guid NewGuid()
    {
        // Name-based (version 5) UUID from values that are identical on every replay.
        var name = Encoding.UTF8.GetBytes($"{InstanceId}_{CurrentUtcDateTime:O}_{_guidCounter++}");
        Span<byte> input = stackalloc byte[16 + name.Length];
        GuidNamespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input[16..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    public override ILogger CreateReplaySafeLogger(string categoryName) => new ReplaySafeLogger(this, _loggerFactory.CreateLogger(categoryName));

    /// <summary>Events that arrived but were never awaited, in arrival order, for ContinueAsNew to carry over.</summary>
    public IEnumerable<(string Name, string? Input)> UnprocessedEvents()
    {
        var replayed = _bufferedEvents.ToDictionary(e => e.Key, e => new Queue<string?>(e.Value), StringComparer.OrdinalIgnoreCase);
        foreach (var name in _bufferedEventOrder)
        {
            yield return (name, replayed[name].Dequeue());
        }
    }

    private string? SerializeInput(object? input, TaskRegistration registration, string kind)
    {
        string? json;
        try
        {
            json = _converter.Serialize(input);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or System.Text.Json.JsonException)
        {
            throw new ArgumentException($"The input for {kind} '{registration.Name}' cannot be serialized to JSON: {ex.Message}", nameof(input), ex);
        }

        InputValidation.EnsureReadable(_converter, json, registration, kind);
        return json;
    }

    private Task<TResult> Open<TResult>(int id, string name) => Deserialize<TResult>(RegisterOpenTask(id, name).Task);

    /// <summary>Registers a task that a history event will complete.</summary>
    private TaskCompletionSource<string?> RegisterOpenTask(int id, string name)
    {
        var completion = new TaskCompletionSource<string?>();
        _openTasks.Add(id, new OpenTask(name, completion));
        return completion;
    }

    private async Task<T> Deserialize<T>(Task<string?> raw) => (T)_converter.Deserialize(await raw, typeof(T))!;

    private async Task<TResult> WithRetry<TResult>(Func<Task<TResult>> attempt, RetryPolicy? policy)
    {
        if (policy is null)
        {
            return await attempt();
        }

        var firstAttemptAt = CurrentUtcDateTime;
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            try
            {
                return await attempt();
            }
            catch (TaskFailedException failure) when (attemptNumber < policy.MaxNumberOfAttempts && policy.Handle(failure))
            {
                var delay = policy.GetDelayAfterAttempt(attemptNumber);
                if (policy.RetryTimeout is { } timeout && CurrentUtcDateTime + delay - firstAttemptAt > timeout)
                {
                    throw;
                }

                await CreateTimer(delay, CancellationToken.None);
            }
        }
    }

    private sealed record OpenTask(string Name, TaskCompletionSource<string?> Completion);
}
