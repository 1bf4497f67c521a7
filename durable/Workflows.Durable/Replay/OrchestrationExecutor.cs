using Microsoft.Extensions.Logging;
using Workflows.Durable.History;

namespace Workflows.Durable.Replay;

/// <summary>
/// Runs one episode: replays the orchestrator over its past history, feeds it the episode's new events, and
/// collects what it did. Synchronous and free of I/O, so an episode is a pure function of its history.
/// </summary>
internal sealed class OrchestrationExecutor(DurableTaskRegistry registry, DataConverter converter, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Workflows.Durable.Replay");

    public EpisodeResult Execute(
        string instanceId,
        ITaskOrchestrator orchestrator,
        Type inputType,
        IReadOnlyList<HistoryEvent> past,
        IReadOnlyList<HistoryEvent> newEvents,
        string? previousCustomStatus)
    {
        var context = new ReplayOrchestrationContext(instanceId, registry, converter, loggerFactory);
        var accepted = new List<HistoryEvent>(newEvents.Count + 4);
        var scheduler = new ReplaySynchronizationContext(() => Logs.ContinuationAfterEpisode(_logger, instanceId));
        var callerContext = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(scheduler);
        try
        {
            context.SetReplaying(true);
            foreach (var historyEvent in past)
            {
                context.Apply(historyEvent, orchestrator, inputType);
                scheduler.Drain();
            }

            context.SetReplaying(false);
            foreach (var historyEvent in newEvents)
            {
                if (context.OrchestratorTask?.IsCompleted == true)
                {
                    // The code already returned: only ContinueAsNew can still use what arrives, by carrying events over.
                    if (historyEvent is EventRaised late)
                    {
                        context.Buffer(late);
                    }

                    continue;
                }

                if (context.Apply(historyEvent, orchestrator, inputType))
                {
                    accepted.Add(historyEvent);
                }

                scheduler.Drain();
            }
        }
        catch (NonDeterministicOrchestrationException ex)
        {
            return Ended(accepted, OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.FromException(ex), previousCustomStatus);
        }
        finally
        {
            scheduler.Close();
            SynchronizationContext.SetSynchronizationContext(callerContext);
        }

        var customStatus = context.CustomStatus ?? previousCustomStatus;
        return context.OrchestratorTask switch
        {
            null => throw new InvalidOperationException($"Instance '{instanceId}' has no ExecutionStarted event in its history."),
            { IsCompletedSuccessfully: true } when context.ContinueAsNewRequest is { } next =>
                ContinuedAsNew(accepted, next, context, customStatus),
            { IsCompletedSuccessfully: true } task =>
                Ended(accepted, OrchestrationRuntimeStatus.Completed, converter.Serialize(task.Result), null, customStatus),
            { IsFaulted: true } task =>
                Ended(accepted, OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.FromException(task.Exception!.InnerException!), customStatus),
            { IsCanceled: true } =>
                Ended(accepted, OrchestrationRuntimeStatus.Failed, null,
                    new TaskFailureDetails(typeof(TaskCanceledException).FullName!, "The orchestrator code was cancelled (an awaited task was cancelled and not handled).", null),
                    customStatus),
            _ => Running(accepted, context, customStatus),
        };
    }

    private static EpisodeResult Running(List<HistoryEvent> accepted, ReplayOrchestrationContext context, string? customStatus)
    {
        var actions = context.NewActions.ToList();
        var now = DateTime.UtcNow;
        foreach (var action in actions)
        {
            accepted.Add(action switch
            {
                ScheduleTaskAction a => new TaskScheduled(a.TaskId, a.Name, a.Input) { Timestamp = now },
                CreateTimerAction a => new TimerCreated(a.TaskId, a.FireAt) { Timestamp = now },
                CreateSubOrchestrationAction a => new SubOrchestrationInstanceCreated(a.TaskId, a.Name, a.InstanceId, a.Input) { Timestamp = now },
                _ => throw new InvalidOperationException($"Unknown action {action}."),
            });
        }

        return new(accepted, actions, OrchestrationRuntimeStatus.Running, null, null, customStatus, []);
    }

    private static EpisodeResult ContinuedAsNew(List<HistoryEvent> accepted, (string? Input, bool PreserveEvents) next, ReplayOrchestrationContext context, string? customStatus)
    {
        var now = DateTime.UtcNow;
        var carried = next.PreserveEvents
            ? context.UnprocessedEvents().Select(e => new EventRaised(e.Name, e.Input) { Timestamp = now }).ToList()
            : [];
        accepted.Add(new ExecutionCompleted(OrchestrationRuntimeStatus.ContinuedAsNew, next.Input, null) { Timestamp = now });
        return new(accepted, [], OrchestrationRuntimeStatus.ContinuedAsNew, next.Input, null, customStatus, carried);
    }

    private static EpisodeResult Ended(List<HistoryEvent> accepted, OrchestrationRuntimeStatus status, string? output, TaskFailureDetails? failure, string? customStatus)
    {
        accepted.Add(new ExecutionCompleted(status, output, failure) { Timestamp = DateTime.UtcNow });
        return new(accepted, [], status, output, failure, customStatus, []);
    }
}
