using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Workflows.Durable.History;
using Workflows.Durable.Postgres;

namespace Workflows.Durable.Worker;

/// <summary>
/// Claims instances with pending messages and runs their episodes. Each of the configured number of slots claims
/// and runs episodes in its own loop, each episode in its own transaction; a slot that finds work wakes another, so
/// all slots work under load while idle slots wait for a notification, a timer's due time, or the next poll.
/// </summary>
internal sealed class OrchestrationDispatcher(PostgresTaskHub hub, EpisodeProcessor processor, ActivityDispatcher activities, ILogger logger)
{
    private readonly HistoryCache _cache = new(capacity: 20_000);

    public Task RunAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, hub.Options.MaxConcurrentOrchestratorFunctions)
            .Select(_ => Task.Run(() => RunSlotAsync(stoppingToken), CancellationToken.None)));

    private async Task RunSlotAsync(CancellationToken stoppingToken)
    {
        var lease = hub.Options.StorageProvider.OrchestrationLeaseDuration;
        var backoff = new PollingBackoff(hub.Options.StorageProvider.MaxPollingInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            OrchestrationSession? session;
            try
            {
                session = await hub.Orchestrations.TryClaimAsync(lease, stoppingToken).ConfigureAwait(false);
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
                await WaitForWorkAsync(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            backoff.Reset();
            // There may be more: let an idle slot look while this one runs the episode. In-flight episodes finish
            // even when the host is stopping, so their work commits rather than rolls back.
            hub.Notifications.OrchestrationWork.Set();
            await RunEpisodeAsync(session, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task WaitForWorkAsync(PollingBackoff backoff, CancellationToken stoppingToken)
    {
        var wait = backoff.Next();
        try
        {
            // A timer due before the next poll decides the wake-up, not the back-off.
            if (await hub.Orchestrations.GetNextDueAsync(stoppingToken).ConfigureAwait(false) is { } due && due < wait)
            {
                wait = due + TimeSpan.FromMilliseconds(1);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            Logs.DispatcherError(logger, "orchestration", ex);
        }

        if (await hub.Notifications.OrchestrationWork.WaitAsync(wait, stoppingToken).ConfigureAwait(false))
        {
            backoff.Reset();
        }
    }

    private async Task RunEpisodeAsync(OrchestrationSession session, CancellationToken stoppingToken)
    {
        using var span = DurableTelemetry.Source.StartActivity("orchestration episode", ActivityKind.Internal);
        span?.SetTag("workflows.instance_id", session.InstanceId);
        span?.SetTag("workflows.orchestrator", session.Name);
        await using (session.ConfigureAwait(false))
        {
            try
            {
                var history = _cache.Get(session.InstanceId, session.ExecutionId);
                if (history.Count < session.HistoryLength)
                {
                    history.AddRange(await hub.Orchestrations.LoadHistoryAsync(session, history.Count, stoppingToken).ConfigureAwait(false));
                }
                else if (history.Count > session.HistoryLength)
                {
                    // Cannot happen unless the row was rewritten behind our back: trust the database.
                    history = await hub.Orchestrations.LoadHistoryAsync(session, 0, stoppingToken).ConfigureAwait(false);
                }

                var commit = processor.Process(session, history);
                if (commit is null)
                {
                    return;
                }

                // Activities this worker has room for are leased to it in the episode's own commit: no claim needed.
                var reserved = activities.TryReserve(commit.Activities.Count);
                List<ActivityWorkItem> leased;
                var created = commit.CreatedWork(reserved);
                try
                {
                    var notification = created == WorkKind.None ? null : WorkNotification.Payload(created, hub.Notifications.WorkerId);
                    leased = await hub.Orchestrations.CommitAsync(session, commit, notification,
                        (hub.Notifications.WorkerId, reserved, hub.Options.StorageProvider.ActivityLeaseDuration), stoppingToken).ConfigureAwait(false);
                }
                catch
                {
                    activities.Unreserve(reserved);
                    throw;
                }

                activities.RunLeased(leased, reserved);
                hub.Notifications.SignalLocal(created);
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
            }
        }
    }

    private void Remember(OrchestrationSession session, List<HistoryEvent> history, EpisodeCommit commit)
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

        history.AddRange(commit.AppendedHistory);
        _cache.Set(session.InstanceId, session.ExecutionId, history);
    }
}
