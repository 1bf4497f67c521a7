using Workflows.Durable.History;

namespace Workflows.Durable.Replay;

/// <summary>The history half of the context: applying events to the running code.</summary>
internal sealed partial class ReplayOrchestrationContext
{
    private string? _name;
    private ParentOrchestrationInstance? _parent;
    private bool _isReplaying;
    private DateTime _currentUtcDateTime;

    /// <summary>The orchestrator's own task; complete when the code returned or threw.</summary>
    public Task<object?>? OrchestratorTask { get; private set; }

    /// <summary>Marks whether the events applied next are past history or new in this episode.</summary>
    public void SetReplaying(bool replaying) => _isReplaying = replaying;

    /// <summary>
    /// Applies one event. Returns false when the event is stale and must not be recorded, such as the firing of a
    /// cancelled timer or a duplicate result.
    /// </summary>
    /// <exception cref="NonDeterministicOrchestrationException">The code did not take the action history records.</exception>
    public bool Apply(HistoryEvent historyEvent, ITaskOrchestrator orchestrator, Type inputType)
    {
        switch (historyEvent)
        {
            case OrchestratorStarted started:
                _currentUtcDateTime = started.Timestamp;
                return true;
            case ExecutionStarted started:
                _name = started.Name;
                _parent = started.Parent;
                foreach (var carried in started.CarriedEvents ?? [])
                {
                    Buffer(carried);
                }

                StartOrchestrator(started, orchestrator, inputType);
                return true;
            case TaskScheduled scheduled:
                Confirm(scheduled.TaskId, $"CallActivity('{scheduled.Name}')", a => a is ScheduleTaskAction s && string.Equals(s.Name, scheduled.Name, StringComparison.OrdinalIgnoreCase));
                return true;
            case TimerCreated created:
                Confirm(created.TaskId, "CreateTimer", a => a is CreateTimerAction);
                return true;
            case SubOrchestrationInstanceCreated created:
                Confirm(created.TaskId, $"CallSubOrchestrator('{created.Name}', instance '{created.InstanceId}')",
                    a => a is CreateSubOrchestrationAction s && string.Equals(s.Name, created.Name, StringComparison.OrdinalIgnoreCase) && s.InstanceId == created.InstanceId);
                return true;
            case TaskCompleted completed:
                return Complete(completed.TaskScheduledId, t => t.Completion.TrySetResult(completed.Result));
            case TaskFailed failed:
                return Complete(failed.TaskScheduledId, t => t.Completion.TrySetException(new TaskFailedException(t.Name, failed.TaskScheduledId, failed.Failure)));
            case SubOrchestrationInstanceCompleted completed:
                return Complete(completed.TaskScheduledId, t => t.Completion.TrySetResult(completed.Result));
            case SubOrchestrationInstanceFailed failed:
                return Complete(failed.TaskScheduledId, t => t.Completion.TrySetException(new TaskFailedException(t.Name, failed.TaskScheduledId, failed.Failure)));
            case TimerFired fired:
                return Complete(fired.TimerId, t => t.Completion.TrySetResult(null));
            case EventRaised raised:
                Deliver(raised);
                return true;
            default:
                // Suspension, resumption and completion markers carry no task results.
                return true;
        }
    }

    private void StartOrchestrator(ExecutionStarted started, ITaskOrchestrator orchestrator, Type inputType)
    {
        object? input;
        try
        {
            input = _converter.Deserialize(started.Input, inputType);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException)
        {
            OrchestratorTask = Task.FromException<object?>(new ArgumentException(
                $"The input of orchestration '{started.Name}' cannot be read as {inputType.Name}: {ex.Message}", ex));
            return;
        }

        try
        {
            OrchestratorTask = orchestrator.RunAsync(this, input);
        }
        catch (Exception ex)
        {
            OrchestratorTask = Task.FromException<object?>(ex);
        }
    }

    private void Confirm(int taskId, string expected, Func<OrchestratorAction, bool> matches)
    {
        if (!_pendingActions.Remove(taskId, out var action))
        {
            var actual = OrchestratorTask?.IsCompleted == true ? "completes the orchestration" : "schedules nothing";
            throw new NonDeterministicOrchestrationException(taskId, expected, actual);
        }

        if (!matches(action))
        {
            throw new NonDeterministicOrchestrationException(taskId, expected, action.Describe());
        }
    }

    private bool Complete(int taskId, Action<OpenTask> complete)
    {
        if (!_openTasks.Remove(taskId, out var task))
        {
            return false;
        }

        complete(task);
        return true;
    }

    private void Deliver(EventRaised raised)
    {
        if (_eventWaiters.TryGetValue(raised.Name, out var waiters) && waiters.First is { } first)
        {
            waiters.RemoveFirst();
            first.Value.TrySetResult(raised.Input);
            return;
        }

        Buffer(raised);
    }

    /// <summary>Keeps an event for a later wait (or for ContinueAsNew to carry over).</summary>
    public void Buffer(EventRaised raised)
    {
        if (!_bufferedEvents.TryGetValue(raised.Name, out var buffered))
        {
            _bufferedEvents[raised.Name] = buffered = new();
        }

        buffered.Enqueue(raised.Input);
        _bufferedEventOrder.Add(raised.Name);
    }
}
