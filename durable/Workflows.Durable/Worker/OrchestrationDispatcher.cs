using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Workflows.Durable.History;
using Workflows.Durable.Postgres;

namespace Workflows.Durable.Worker;

/// <summary>
/// Claims instances with pending messages and runs their episodes, up to the configured concurrency. Claims are
/// made one at a time by this loop; episodes run in parallel, each in its own transaction.
/// </summary>
internal sealed class OrchestrationDispatcher(PostgresTaskHub hub, EpisodeProcessor processor, ILogger logger)
{
    private readonly HistoryCache _cache = new(capacity: 20_000);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var options = hub.Options;
        var names = processor.OrchestratorNames.Select(n => n.ToLowerInvariant()).ToArray();
        var slots = new SemaphoreSlim(options.MaxConcurrentOrchestratorFunctions);
        var backoff = new PollingBackoff(options.StorageProvider.MaxPollingInterval);
        var running = new HashSet<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                OrchestrationSession? session;
                try
                {
                    session = await hub.Orchestrations.TryClaimAsync(names, options.StorageProvider.OrchestrationLeaseDuration, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    slots.Release();
                    Logs.DispatcherError(logger, "orchestration", ex);
                    await Task.Delay(backoff.Next(), stoppingToken).ConfigureAwait(false);
                    continue;
                }

                if (session is null)
                {
                    slots.Release();
                    await WaitForWorkAsync(backoff, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                backoff.Reset();
                var episode = RunEpisodeAsync(session, stoppingToken);
                lock (running)
                {
                    running.Add(episode);
                }

                _ = episode.ContinueWith(t =>
                {
                    slots.Release();
                    lock (running)
                    {
                        running.Remove(t);
                    }
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        Task[] remaining;
        lock (running)
        {
            remaining = [.. running];
        }

        // Episodes are short; let those in flight commit rather than roll back.
        await Task.WhenAll(remaining).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
        await Task.Yield();
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

                var created = commit.CreatedWork;
                var notification = created == WorkKind.None ? null : WorkNotification.Payload(created, hub.Notifications.WorkerId);
                await hub.Orchestrations.CommitAsync(session, commit, notification, stoppingToken).ConfigureAwait(false);
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
