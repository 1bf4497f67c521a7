using Microsoft.Extensions.DependencyInjection;
using Workflows.Durable.History;
using Workflows.Durable.Postgres;
using Workflows.Durable.Replay;

namespace Workflows.Durable.Worker;

/// <summary>
/// Turns a claimed instance and its messages into the episode's writes: applies control messages (terminate,
/// suspend, resume), replays the orchestrator over its history with the new messages, and maps what the code did
/// to activities, timers, sub-orchestrations and messages.
/// </summary>
internal sealed class EpisodeProcessor(DurableTaskRegistry registry, OrchestrationExecutor executor, IServiceProvider services, DataConverter converter)
{
    /// <summary>Builds the episode's commit, or null when there is nothing to write.</summary>
    public EpisodeCommit? Process(ClaimedInstance instance, IReadOnlyList<HistoryEvent> history)
    {
        var now = DateTime.UtcNow;
        var stale = instance.Messages.Where(m => m.ExecutionId is { } id && id != instance.ExecutionId).ToList();
        var current = instance.Messages.Except(stale).ToList();
        if (instance.Status.IsTerminal())
        {
            // Late results, events and timers of a finished instance: nothing will ever receive them.
            return ConsumeOnly(instance, instance.Messages);
        }

        var control = current.Where(m => m.Event is ExecutionTerminated or ExecutionSuspended or ExecutionResumed).ToList();
        var work = current.Except(control).OrderBy(m => m.Event is ExecutionStarted ? 0 : 1).ThenBy(m => m.Id).ToList();
        var started = (ExecutionStarted?)history.FirstOrDefault(e => e is ExecutionStarted) ?? work.Select(m => m.Event).OfType<ExecutionStarted>().FirstOrDefault();

        if (control.FirstOrDefault(m => m.Event is ExecutionTerminated) is { Event: ExecutionTerminated terminated })
        {
            return Terminate(instance, started, terminated, now);
        }

        var suspended = instance.Status == OrchestrationRuntimeStatus.Suspended;
        var controlEvents = new List<HistoryEvent>();
        foreach (var message in control)
        {
            suspended = message.Event is ExecutionSuspended;
            controlEvents.Add(message.Event);
        }

        if (suspended)
        {
            // Work messages stay in the inbox until the instance is resumed.
            return ControlOnly(instance, OrchestrationRuntimeStatus.Suspended, stale.Concat(control), controlEvents);
        }

        if (work.Count == 0)
        {
            if (controlEvents.Count == 0)
            {
                return stale.Count == 0 ? null : ConsumeOnly(instance, stale);
            }

            return ControlOnly(instance, OrchestrationRuntimeStatus.Running, stale.Concat(control), controlEvents);
        }

        if (started is null)
        {
            throw new InvalidOperationException($"Instance '{instance.InstanceId}' has messages but was never started.");
        }

        var result = Replay(instance, history, started, work, now);
        return ToCommit(instance, started, result, controlEvents, instance.Messages.Select(m => m.Id));
    }

    private EpisodeResult Replay(ClaimedInstance instance, IReadOnlyList<HistoryEvent> history, ExecutionStarted started, List<InboxMessage> work, DateTime now)
    {
        var newEvents = new List<HistoryEvent>(work.Count + 1) { new OrchestratorStarted { Timestamp = now } };
        newEvents.AddRange(work.Select(m => m.Event));
        if (!registry.TryGetOrchestrator(started.Name, out var registration))
        {
            var failure = new TaskFailureDetails(typeof(InvalidOperationException).FullName!, $"No orchestrator named '{started.Name}' is registered in this worker.", null);
            return new EpisodeResult([.. newEvents, new ExecutionCompleted(OrchestrationRuntimeStatus.Failed, null, failure) { Timestamp = now }],
                [], OrchestrationRuntimeStatus.Failed, null, failure, instance.CustomStatus, []);
        }

        using var scope = services.CreateScope();
        var orchestrator = (ITaskOrchestrator)registration.Create(scope.ServiceProvider);
        return executor.Execute(instance.InstanceId, orchestrator, registration.InputType, history, newEvents, instance.CustomStatus);
    }

    private EpisodeCommit ToCommit(ClaimedInstance instance, ExecutionStarted started, EpisodeResult result, List<HistoryEvent> controlEvents, IEnumerable<long> consumed)
    {
        var commit = result.Status == OrchestrationRuntimeStatus.ContinuedAsNew
            ? new EpisodeCommit { Status = OrchestrationRuntimeStatus.Running, CustomStatus = result.CustomStatus, NewExecution = (Guid.NewGuid(), result.Output) }
            : new EpisodeCommit { Status = result.Status, Output = result.Output, Failure = result.Failure, CustomStatus = result.CustomStatus };
        commit.ConsumedMessageIds.AddRange(consumed);
        commit.AppendedHistory.AddRange(controlEvents);
        commit.AppendedHistory.AddRange(result.NewHistory);

        var childIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in result.Actions)
        {
            switch (action)
            {
                case ScheduleTaskAction task:
                    commit.Activities.Add((task.TaskId, task.Name, task.Input));
                    break;
                case CreateTimerAction timer:
                    commit.Messages.Add(new OutgoingMessage(instance.InstanceId, instance.ExecutionId, new TimerFired(timer.TaskId, timer.FireAt) { Timestamp = timer.FireAt }, timer.FireAt));
                    break;
                case CreateSubOrchestrationAction child:
                    var taken = new SubOrchestrationInstanceFailed(child.TaskId, new TaskFailureDetails(
                        typeof(OrchestrationAlreadyExistsException).FullName!,
                        $"Cannot start sub-orchestration '{child.Name}': instance id '{child.InstanceId}' belongs to an orchestration that has not finished.", null))
                    { Timestamp = DateTime.UtcNow };
                    if (!childIds.Add(child.InstanceId))
                    {
                        commit.Messages.Add(new OutgoingMessage(instance.InstanceId, instance.ExecutionId, taken));
                        break;
                    }

                    var childStarted = new ExecutionStarted(child.Name, child.Input, new ParentOrchestrationInstance(started.Name, instance.InstanceId), child.TaskId, instance.ExecutionId)
                    { Timestamp = DateTime.UtcNow };
                    commit.Children.Add(new ChildStart(child.InstanceId, child.Name, child.Input, Guid.NewGuid(), childStarted, taken));
                    break;
            }
        }

        if (commit.NewExecution is { } next)
        {
            var restarted = new ExecutionStarted(started.Name, next.Input, started.Parent, started.ParentTaskId, started.ParentExecutionId)
            {
                Timestamp = DateTime.UtcNow,
                CarriedEvents = result.CarriedEvents.Count == 0 ? null : result.CarriedEvents,
            };
            commit.Messages.Add(new OutgoingMessage(instance.InstanceId, next.ExecutionId, restarted));
        }
        else if (result.Status.IsTerminal())
        {
            NotifyParent(commit, started, result.Status == OrchestrationRuntimeStatus.Completed ? null : result.Failure, result.Output);
        }

        return commit;
    }

    private EpisodeCommit Terminate(ClaimedInstance instance, ExecutionStarted? started, ExecutionTerminated terminated, DateTime now)
    {
        var output = converter.Serialize(terminated.Reason);
        var commit = new EpisodeCommit { Status = OrchestrationRuntimeStatus.Terminated, Output = output, CustomStatus = instance.CustomStatus };
        commit.ConsumedMessageIds.AddRange(instance.Messages.Select(m => m.Id));
        commit.AppendedHistory.Add(new OrchestratorStarted { Timestamp = now });
        commit.AppendedHistory.Add(terminated);
        commit.AppendedHistory.Add(new ExecutionCompleted(OrchestrationRuntimeStatus.Terminated, output, null) { Timestamp = now });
        if (started is not null)
        {
            NotifyParent(commit, started, new TaskFailureDetails("Workflows.Durable.OrchestrationTerminated", $"The sub-orchestration was terminated: {terminated.Reason}", null), null);
        }

        return commit;
    }

    private static void NotifyParent(EpisodeCommit commit, ExecutionStarted started, TaskFailureDetails? failure, string? output)
    {
        if (started.Parent is not { } parent)
        {
            return;
        }

        HistoryEvent outcome = failure is null
            ? new SubOrchestrationInstanceCompleted(started.ParentTaskId, output) { Timestamp = DateTime.UtcNow }
            : new SubOrchestrationInstanceFailed(started.ParentTaskId, failure) { Timestamp = DateTime.UtcNow };
        commit.Messages.Add(new OutgoingMessage(parent.InstanceId, started.ParentExecutionId, outcome));
    }

    /// <summary>An episode of control messages only: the status they leave, and their events in history.</summary>
    private static EpisodeCommit ControlOnly(ClaimedInstance instance, OrchestrationRuntimeStatus status, IEnumerable<InboxMessage> consumed, List<HistoryEvent> controlEvents)
    {
        var commit = new EpisodeCommit { Status = status, CustomStatus = instance.CustomStatus };
        commit.ConsumedMessageIds.AddRange(consumed.Select(m => m.Id));
        commit.AppendedHistory.AddRange(controlEvents);
        return commit;
    }

    private static EpisodeCommit ConsumeOnly(ClaimedInstance instance, IEnumerable<InboxMessage> messages)
    {
        var commit = new EpisodeCommit { Status = instance.Status, CustomStatus = instance.CustomStatus, UpdatesInstance = false };
        commit.ConsumedMessageIds.AddRange(messages.Select(m => m.Id));
        return commit;
    }
}
