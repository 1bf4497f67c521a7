using Workflows.Durable.History;
using Workflows.Durable.Postgres;
using Workflows.Durable.Replay;

namespace Workflows.Durable;

/// <summary>
/// Starts, inspects and controls orchestration instances. Every write is checked before anything is stored, so a
/// refused call leaves the database as it was.
/// </summary>
public sealed class DurableTaskClient
{
    private static readonly TimeSpan MaxWaitPoll = TimeSpan.FromSeconds(2);
    private readonly PostgresTaskHub _hub;
    private readonly DurableTaskRegistry _registry;
    private readonly DataConverter _converter;

    internal DurableTaskClient(PostgresTaskHub hub, DurableTaskRegistry registry, DataConverter converter)
    {
        _hub = hub;
        _registry = registry;
        _converter = converter;
    }

    /// <summary>The task hub this client works on.</summary>
    public string HubName => _hub.Schema.HubName;

    /// <summary>Schedules a new instance and returns its id.</summary>
    /// <param name="orchestratorName">A registered orchestrator.</param>
    /// <param name="input">The input; must serialize to JSON that the orchestrator's input type can read.</param>
    /// <param name="options">Instance id and start time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">Unknown orchestrator, or an input it cannot read.</exception>
    /// <exception cref="OrchestrationAlreadyExistsException">The id belongs to an instance that has not finished.</exception>
    public async Task<string> ScheduleNewOrchestrationInstanceAsync(
        string orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId, nameof(options));
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        string? json;
        try
        {
            json = _converter.Serialize(input);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or System.Text.Json.JsonException)
        {
            throw new ArgumentException($"The input for orchestrator '{orchestratorName}' cannot be serialized to JSON: {ex.Message}", nameof(input), ex);
        }

        var name = await ResolveOrchestratorAsync(orchestratorName, json, cancellationToken).ConfigureAwait(false);
        if (!await _hub.Instances.CreateAsync(instanceId, name, json, options?.StartAt?.UtcDateTime, _hub.Notifications.WorkerId, cancellationToken).ConfigureAwait(false))
        {
            var existing = await GetInstanceAsync(instanceId, cancellationToken: cancellationToken).ConfigureAwait(false);
            throw new OrchestrationAlreadyExistsException(instanceId, existing?.RuntimeStatus ?? OrchestrationRuntimeStatus.Running);
        }

        _hub.Notifications.SignalLocal(WorkKind.Orchestrations);
        return instanceId;
    }

    /// <summary>Reads an instance, or null when there is none with that id.</summary>
    public async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _hub.Instances.GetAsync(instanceId, getInputsAndOutputs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the instance finishes (Completed, Failed or Terminated) and returns its final state.</summary>
    /// <exception cref="InvalidOperationException">There is no instance with that id.</exception>
    public async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default)
    {
        var poll = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            // Listen before reading, so a completion between the read and the wait is not missed.
            var announced = _hub.Notifications.WhenAnnouncedAsync(instanceId);
            var instance = await GetInstanceAsync(instanceId, getInputsAndOutputs, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"There is no orchestration instance with id '{instanceId}'.");
            if (instance.IsCompleted)
            {
                return instance;
            }

            await announced.WaitAsync(poll, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, MaxWaitPoll.Ticks));
        }
    }

    /// <summary>Sends an event to a running instance; it is buffered if the instance is not waiting for it yet.</summary>
    /// <exception cref="InvalidOperationException">No such instance, or it has finished.</exception>
    public async Task RaiseEventAsync(string instanceId, string eventName, object? eventData = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var payload = _converter.Serialize(eventData);
        await SendAsync(instanceId, new EventRaised(eventName, payload) { Timestamp = DateTime.UtcNow }, isControl: false, $"raise event '{eventName}'", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Terminates a running instance, recording the reason as its output.</summary>
    public Task TerminateInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new ExecutionTerminated(reason) { Timestamp = DateTime.UtcNow }, isControl: true, "terminate", cancellationToken);

    /// <summary>Suspends a running instance: it takes no further steps until resumed; events sent meanwhile are kept.</summary>
    public Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new ExecutionSuspended(reason) { Timestamp = DateTime.UtcNow }, isControl: true, "suspend", cancellationToken);

    /// <summary>Resumes a suspended instance.</summary>
    public Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new ExecutionResumed(reason) { Timestamp = DateTime.UtcNow }, isControl: true, "resume", cancellationToken);

    /// <summary>Deletes a finished instance and its history; false when there is no finished instance with that id.</summary>
    public async Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _hub.Instances.PurgeAsync(instanceId, null, null, cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Deletes finished instances created before a time (optionally only in some final states); returns how many.</summary>
    public async Task<int> PurgeInstancesAsync(DateTime createdBefore, IReadOnlyCollection<OrchestrationRuntimeStatus>? statuses = null, CancellationToken cancellationToken = default)
    {
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _hub.Instances.PurgeAsync(null, createdBefore, statuses, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists instances matching a query, one page at a time.</summary>
    public async Task<Page<OrchestrationMetadata>> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _hub.Instances.QueryAsync(query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The current execution's history, oldest first.</summary>
    public async Task<IReadOnlyList<HistoryEvent>> GetInstanceHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await _hub.Instances.GetHistoryAsync(instanceId, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendAsync(string instanceId, HistoryEvent message, bool isControl, string operation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        await _hub.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        if (await _hub.Instances.SendAsync(instanceId, message, isControl, _hub.Notifications.WorkerId, cancellationToken).ConfigureAwait(false))
        {
            _hub.Notifications.SignalLocal(WorkKind.Orchestrations);
            return;
        }

        var existing = await _hub.Instances.GetAsync(instanceId, false, cancellationToken).ConfigureAwait(false);
        throw new InvalidOperationException(existing is null
            ? $"Cannot {operation}: there is no orchestration instance with id '{instanceId}'."
            : $"Cannot {operation}: orchestration instance '{instanceId}' has already finished ({existing.RuntimeStatus}).");
    }

    /// <summary>
    /// The canonical name of an orchestrator, checked at the call: against this process's registry (with its input
    /// type), else against the names that workers of this hub have registered in the database.
    /// </summary>
    private async Task<string> ResolveOrchestratorAsync(string name, string? json, CancellationToken cancellationToken)
    {
        if (_registry.TryGetOrchestrator(name, out var registration))
        {
            InputValidation.EnsureReadable(_converter, json, registration, "orchestrator");
            return registration.Name;
        }

        if (await _hub.Instances.IsRegisteredAsync(WorkerRegistrationKinds.Orchestrator, name, cancellationToken).ConfigureAwait(false))
        {
            return name;
        }

        var known = _registry.OrchestratorNames.Count == 0 ? "none in this process" : string.Join(", ", _registry.OrchestratorNames.Order());
        throw new ArgumentException($"No orchestrator named '{name}' is registered with task hub '{HubName}' (registered here: {known}).", nameof(name));
    }
}
