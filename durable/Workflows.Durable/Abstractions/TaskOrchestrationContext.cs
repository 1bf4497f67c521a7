using Microsoft.Extensions.Logging;

namespace Workflows.Durable;

/// <summary>
/// What orchestrator code uses to schedule durable work. Every method records its effect in the orchestration
/// history, so the code can be replayed after a crash or restart and reach the same point with the same values.
/// </summary>
public abstract class TaskOrchestrationContext
{
    /// <summary>The orchestrator name.</summary>
    public abstract string Name { get; }

    /// <summary>The instance id.</summary>
    public abstract string InstanceId { get; }

    /// <summary>The parent orchestration when this is a sub-orchestration.</summary>
    public abstract ParentOrchestrationInstance? Parent { get; }

    /// <summary>
    /// True while the code is re-running past history rather than making progress; use it to avoid repeating
    /// side effects such as logging (see <see cref="CreateReplaySafeLogger(string)"/>).
    /// </summary>
    public abstract bool IsReplaying { get; }

    /// <summary>A deterministic clock: the time the current episode started, the same on every replay.</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>Schedules an activity and returns its output.</summary>
    /// <exception cref="TaskFailedException">The activity failed (after any retries).</exception>
    public abstract Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    /// <summary>Schedules an activity whose output is ignored.</summary>
    public Task CallActivityAsync(string name, object? input = null, TaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    /// <summary>Starts a sub-orchestration and returns its output.</summary>
    /// <exception cref="TaskFailedException">The sub-orchestration failed or was terminated (after any retries).</exception>
    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    /// <summary>Starts a sub-orchestration whose output is ignored.</summary>
    public Task CallSubOrchestratorAsync(string name, object? input = null, TaskOptions? options = null) =>
        CallSubOrchestratorAsync<object?>(name, input, options);

    /// <summary>A durable timer that completes at <paramref name="fireAt"/> (UTC), even across restarts.</summary>
    /// <param name="fireAt">When the timer fires.</param>
    /// <param name="cancellationToken">Cancels the timer; the returned task is then cancelled.</param>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>A durable timer that completes after <paramref name="delay"/>.</summary>
    public Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken) =>
        CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>
    /// Waits for an event raised on this instance (names are case-insensitive). An event raised before the code
    /// waits for it is buffered and delivered at once.
    /// </summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Waits for an event, giving up after <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">No event arrived in time.</exception>
    public async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource();
        var received = WaitForExternalEvent<T>(eventName, cancel.Token);
        var expired = CreateTimer(timeout, cancel.Token);
        var winner = await Task.WhenAny(received, expired);
        // Cancelling the loser releases its timer or its place in the event queue, so a later event is not swallowed.
        cancel.Cancel();
        if (winner == received)
        {
            return await received;
        }

        throw new TimeoutException($"Event '{eventName}' did not arrive within {timeout} on instance '{InstanceId}'.");
    }

    /// <summary>Sets a JSON-serializable status that clients can read while the orchestration runs.</summary>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>
    /// Restarts the orchestration with new input and a fresh history once the orchestrator returns; the way to
    /// write eternal orchestrations without an ever-growing history.
    /// </summary>
    /// <param name="newInput">The input of the next execution.</param>
    /// <param name="preserveUnprocessedEvents">Carry events that arrived but were not awaited into the next execution.</param>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>A GUID that is the same on every replay.</summary>
    public abstract Guid NewGuid();

    /// <summary>A logger that writes only when the code is not replaying, so each message appears once.</summary>
    public abstract ILogger CreateReplaySafeLogger(string categoryName);

    /// <summary>A replay-safe logger named after <typeparamref name="T"/>.</summary>
    public ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T).FullName ?? typeof(T).Name);
}

/// <summary>Identifies the orchestration that started a sub-orchestration.</summary>
/// <param name="Name">The parent's orchestrator name.</param>
/// <param name="InstanceId">The parent's instance id.</param>
public sealed record ParentOrchestrationInstance(string Name, string InstanceId);
