using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Workflows.Durable.History;
using Workflows.Durable.Postgres;

namespace Workflows.Durable.Worker;

/// <summary>
/// Claims instances with pending messages and runs their episodes. Each of the configured number of slots claims
/// and runs episodes in its own loop, each episode in its own transaction. Whoever creates work wakes as many idle
/// slots as instances it gave work to; idle slots otherwise wait for a timer's due time or the next poll.
/// </summary>
internal sealed class OrchestrationDispatcher(PostgresTaskHub hub, EpisodeProcessor processor, ActivityDispatcher activities, ILogger logger)
{
    private readonly HistoryCache _cache = new(capacity: 20_000);

    public Task RunAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, hub.Options.MaxConcurrentOrchestratorFunctions)
            .Select(slot => Task.Run(() => RunSlotAsync(watchTimers: slot == 0, stoppingToken), CancellationToken.None)));

    /// <param name="watchTimers">
    /// Whether this slot wakes for timers coming due. One per process is enough: work that nobody announced (a timer,
    /// a lost notification) makes the slot that finds it wake another, until a slot finds nothing.
    /// </param>
    /// <param name="stoppingToken">Stops claiming.</param>
    private async Task RunSlotAsync(bool watchTimers, CancellationToken stoppingToken)
    {
        var backoff = new PollingBackoff(hub.Options.StorageProvider.MaxPollingInterval);
        var lookNow = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            var announced = true;
            if (!lookNow)
            {
                announced = await WaitForWorkAsync(backoff, watchTimers, stoppingToken).ConfigureAwait(false);
            }

            OrchestrationSession? session;
            try
            {
                session = await hub.Orchestrations.TryClaimAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Logs.DispatcherError(logger, "orchestration", ex);
                await Task.Delay(backoff.Next(), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            if (session is null)
            {
                hub.Notifications.OrchestrationWork.FoundNothing();
                lookNow = false;
                continue;
            }

            backoff.Reset();
            if (!announced)
            {
                hub.Notifications.OrchestrationWork.Set();
            }

            // In-flight episodes finish even when the host is stopping, so their work commits rather than rolls back.
            // Look again at once when messages reached the instance meanwhile (their wake-up found it locked) or when
            // more work was announced than slots could be woken for.
            var messagesPending = await RunEpisodeAsync(session, CancellationToken.None).ConfigureAwait(false);
            lookNow = messagesPending || hub.Notifications.OrchestrationWork.Overflowed;
        }
    }

    /// <summary>Waits for a wake-up, a timer's due time or the next poll; true when woken by an announcement.</summary>
    private async Task<bool> WaitForWorkAsync(PollingBackoff backoff, bool watchTimers, CancellationToken stoppingToken)
    {
        var wait = backoff.Next();
        try
        {
            // A timer due before the next poll decides the wake-up, not the back-off.
            if (watchTimers && await hub.Orchestrations.GetNextDueAsync(stoppingToken).ConfigureAwait(false) is { } due && due < wait)
            {
                wait = due + TimeSpan.FromMilliseconds(1);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            Logs.DispatcherError(logger, "orchestration", ex);
        }

        try
        {
            if (await hub.Notifications.OrchestrationWork.WaitAsync(wait, stoppingToken).ConfigureAwait(false))
            {
                backoff.Reset();
                return true;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the slot's loop ends.
        }

        return false;
    }

    /// <summary>Runs and commits one episode; returns whether the instance has more messages waiting.</summary>
    private async Task<bool> RunEpisodeAsync(OrchestrationSession session, CancellationToken stoppingToken)
    {
        using var span = DurableTelemetry.Source.StartActivity("orchestration episode", ActivityKind.Internal);
        span?.SetTag("workflows.instance_id", session.InstanceId);
        span?.SetTag("workflows.orchestrator", session.Name);
        await using (session.ConfigureAwait(false))
        {
            try
            {
                var cached = _cache.Get(session.InstanceId, session.ExecutionId);
                var history = cached.Count == session.HistoryLength
                    ? cached
                    : cached.Count < session.HistoryLength
                        ? [.. cached, .. await hub.Orchestrations.LoadHistoryAsync(session, cached.Count, stoppingToken).ConfigureAwait(false)]
                        // Cannot happen unless the instance was rewritten behind this process's back: trust the database.
                        : await hub.Orchestrations.LoadHistoryAsync(session, 0, stoppingToken).ConfigureAwait(false);

                var commit = processor.Process(session, history);
                if (commit is null)
                {
                    return false;
                }

                // Activities this worker has room for are leased to it in the episode's own commit: no claim needed.
                var reserved = activities.TryReserve(commit.Activities.Count);
                EpisodeCommitted committed;
                var created = commit.CreatedWork(reserved);
                var instancesWithWork = commit.Children.Count + commit.Messages.Select(m => m.InstanceId).Distinct().Count();
                try
                {
                    var notification = created == WorkKind.None ? null : WorkNotification.Payload(created, instancesWithWork, hub.Notifications.WorkerId);
                    committed = await hub.Orchestrations.CommitAsync(session, commit, notification,
                        (hub.Notifications.WorkerId, reserved, hub.Options.StorageProvider.ActivityLeaseDuration), stoppingToken).ConfigureAwait(false);
                }
                catch
                {
                    activities.Unreserve(reserved);
                    throw;
                }

                activities.RunLeased(committed.Leased, reserved);
                hub.Notifications.SignalLocal(created, instancesWithWork);
                Remember(session, history, commit);
                span?.SetTag("workflows.status", commit.Status.ToString());
                Logs.EpisodeCommitted(logger, session.InstanceId, session.Name, commit.AppendedHistory.Count, commit.Activities.Count + commit.Children.Count + commit.Messages.Count, commit.Status);
                if (commit.UpdatesInstance && commit.Status.IsTerminal())
                {
                    Logs.OrchestrationFinished(logger, session.InstanceId, session.Name, commit.Status);
                    if (commit.Failure is { } failure)
                    {
                        Logs.OrchestrationFailed(logger, session.InstanceId, failure.ToString());
                    }
                }

                return committed.MessagesPending;
            }
            catch (Exception ex)
            {
                // Nothing was committed: the messages stay, and the instance is claimed again.
                _cache.Remove(session.InstanceId);
                span?.SetStatus(ActivityStatusCode.Error, ex.Message);
                if (!stoppingToken.IsCancellationRequested)
                {
                    Logs.EpisodeRolledBack(logger, session.InstanceId, ex);
                }

                return false;
            }
        }
    }

    private void Remember(OrchestrationSession session, IReadOnlyList<HistoryEvent> history, EpisodeCommit commit)
    {
        if (!commit.UpdatesInstance)
        {
            return;
        }

        if (commit.NewExecution is not null || commit.Status.IsTerminal())
        {
            _cache.Remove(session.InstanceId);
            return;
        }

        _cache.Set(session.InstanceId, session.ExecutionId, [.. history, .. commit.AppendedHistory]);
    }
}
