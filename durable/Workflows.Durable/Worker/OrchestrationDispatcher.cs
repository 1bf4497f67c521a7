using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Workflows.Durable.History;
using Workflows.Durable.Postgres;

namespace Workflows.Durable.Worker;

/// <summary>
/// Claims instances with pending messages and runs their episodes. Each of the configured number of slots claims
/// and runs episodes in its own loop: up to <see cref="PostgresStorageOptions.OrchestrationBatchSize"/> instances at
/// a time, whose episodes commit in one transaction. Whoever creates work wakes as many idle slots as instances it
/// gave work to; idle slots otherwise wait for a timer's due time or the next poll.
/// </summary>
internal sealed class OrchestrationDispatcher(PostgresTaskHub hub, EpisodeProcessor processor, ActivityDispatcher activities, ILogger logger)
{
    private static readonly TimeSpan MaxDeferral = TimeSpan.FromMinutes(1);
    private readonly HistoryCache _cache = new(capacity: 20_000);

    /// <summary>Instances whose episodes failed here in a row, and how many times: their messages are deferred ever longer.</summary>
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

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
        var batchSize = hub.Options.StorageProvider.OrchestrationBatchSize;
        var lookNow = true;
        // After a commit failed, the next claims take one instance each, so one bad episode cannot keep rolling back others.
        var singleClaimsLeft = 0;
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
                session = await hub.Orchestrations.TryClaimAsync(singleClaimsLeft > 0 ? 1 : batchSize, stoppingToken).ConfigureAwait(false);
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
            // Look again at once when messages reached an instance meanwhile (their wake-up found it locked) or when
            // more work was announced than slots could be woken for.
            var claimed = session.Instances.Count;
            var (committed, failed) = await RunSessionAsync(session, CancellationToken.None).ConfigureAwait(false);
            await DeferAsync(failed, stoppingToken).ConfigureAwait(false);
            singleClaimsLeft = committed is null && claimed > 1 ? 2 * batchSize : Math.Max(0, singleClaimsLeft - 1);
            lookNow = committed?.MessagesPending == true || hub.Notifications.OrchestrationWork.Overflowed;
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

    /// <summary>
    /// Runs the episodes of the session's instances and commits them together. Returns what the commit reported, or
    /// null when the session rolled back (its instances keep their messages and are claimed again), and the
    /// instances known to have failed: those whose episodes threw, or the only instance of a session that rolled back.
    /// </summary>
    private async Task<(SessionCommitted? Committed, List<string> Failed)> RunSessionAsync(OrchestrationSession session, CancellationToken stoppingToken)
    {
        await using (session.ConfigureAwait(false))
        {
            var failed = new List<string>();
            try
            {
                var histories = await GetHistoriesAsync(session, stoppingToken).ConfigureAwait(false);
                var episodes = new List<EpisodeToCommit>(session.Instances.Count);
                foreach (var instance in session.Instances)
                {
                    var (commit, succeeded) = RunEpisode(instance, histories[instance.InstanceId]);
                    if (!succeeded)
                    {
                        failed.Add(instance.InstanceId);
                    }
                    else if (commit is not null)
                    {
                        episodes.Add(new EpisodeToCommit(instance, commit, Leased: 0));
                    }
                }

                var committed = episodes.Count == 0 ? new SessionCommitted([], MessagesPending: false) : await CommitAsync(session, episodes, stoppingToken).ConfigureAwait(false);
                foreach (var episode in episodes)
                {
                    Remember(episode.Instance, histories[episode.Instance.InstanceId], episode.Commit);
                    LogCommitted(episode.Instance, episode.Commit);
                    _failures.TryRemove(episode.Instance.InstanceId, out _);
                }

                return (committed, failed);
            }
            catch (Exception ex)
            {
                // Nothing was committed: the messages stay, and the instances are claimed again.
                foreach (var instance in session.Instances)
                {
                    _cache.Remove(instance.InstanceId);
                }

                if (!stoppingToken.IsCancellationRequested)
                {
                    Logs.SessionRolledBack(logger, string.Join(", ", session.Instances.Select(i => i.InstanceId)), ex);
                }

                return (null, session.Instances.Count == 1 ? [session.Instances[0].InstanceId] : []);
            }
        }
    }

    /// <summary>Defers the messages of instances whose episodes failed, longer after each failure in a row, so they do not hold up the rest.</summary>
    private async Task DeferAsync(List<string> failed, CancellationToken stoppingToken)
    {
        foreach (var group in failed.GroupBy(id => _failures.AddOrUpdate(id, 1, (_, n) => n + 1)))
        {
            var delay = TimeSpan.FromTicks(Math.Min(MaxDeferral.Ticks, TimeSpan.FromMilliseconds(100).Ticks << Math.Min(group.Key - 1, 20)));
            try
            {
                await hub.Orchestrations.DeferAsync([.. group], delay, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The instances are simply retried sooner.
                Logs.DispatcherError(logger, "orchestration", ex);
            }
        }
    }

    /// <summary>Each instance's history: the cached prefix, topped up from the database in one read for all of them.</summary>
    private async Task<Dictionary<string, IReadOnlyList<HistoryEvent>>> GetHistoriesAsync(OrchestrationSession session, CancellationToken stoppingToken)
    {
        var histories = new Dictionary<string, IReadOnlyList<HistoryEvent>>(StringComparer.Ordinal);
        var missing = new List<(ClaimedInstance Instance, int FromSequence)>();
        foreach (var instance in session.Instances)
        {
            var cached = _cache.Get(instance.InstanceId, instance.ExecutionId);
            histories[instance.InstanceId] = cached;
            if (cached.Count != instance.HistoryLength)
            {
                // Longer than the database cannot happen unless the instance was rewritten behind this process's back: trust the database.
                missing.Add((instance, cached.Count < instance.HistoryLength ? cached.Count : 0));
            }
        }

        if (missing.Count > 0)
        {
            var loaded = await hub.Orchestrations.LoadHistoriesAsync(session, missing, stoppingToken).ConfigureAwait(false);
            foreach (var (instance, from) in missing)
            {
                histories[instance.InstanceId] = from == 0 ? loaded[instance.InstanceId] : [.. histories[instance.InstanceId], .. loaded[instance.InstanceId]];
            }
        }

        return histories;
    }

    /// <summary>Replays one instance: its writes (null when it has none), or a failure that leaves it out of the commit.</summary>
    private (EpisodeCommit? Commit, bool Succeeded) RunEpisode(ClaimedInstance instance, IReadOnlyList<HistoryEvent> history)
    {
        using var span = DurableTelemetry.Source.StartActivity("orchestration episode", ActivityKind.Internal);
        span?.SetTag("workflows.instance_id", instance.InstanceId);
        span?.SetTag("workflows.orchestrator", instance.Name);
        try
        {
            var commit = processor.Process(instance, history);
            span?.SetTag("workflows.status", commit?.Status.ToString());
            return (commit, true);
        }
        catch (Exception ex)
        {
            // Only this instance is left out: its messages stay, and it is claimed again after this session.
            _cache.Remove(instance.InstanceId);
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            Logs.EpisodeRolledBack(logger, instance.InstanceId, ex);
            return (null, false);
        }
    }

    /// <summary>Commits the episodes, leasing to this worker the activities it has room for, and wakes whoever gets new work.</summary>
    private async Task<SessionCommitted> CommitAsync(OrchestrationSession session, List<EpisodeToCommit> episodes, CancellationToken stoppingToken)
    {
        using var span = DurableTelemetry.Source.StartActivity("orchestration commit", ActivityKind.Internal);
        span?.SetTag("workflows.episodes", episodes.Count);
        // Activities this worker has room for are leased to it in the episodes' own commit: no claim needed.
        var leasing = episodes.Select(e => e with { Leased = activities.TryReserve(e.Commit.Activities.Count) }).ToList();
        var reserved = leasing.Sum(e => e.Leased);
        var created = leasing.Aggregate(WorkKind.None, (kind, e) => kind | e.Commit.CreatedWork(e.Leased));
        var instancesWithWork = leasing.Sum(e => e.Commit.Children.Count + e.Commit.Messages.Select(m => m.InstanceId).Distinct().Count());
        SessionCommitted committed;
        try
        {
            var notification = created == WorkKind.None ? null : WorkNotification.Payload(created, instancesWithWork, hub.Notifications.WorkerId);
            committed = await hub.Orchestrations.CommitAsync(session, leasing, notification,
                (hub.Notifications.WorkerId, hub.Options.StorageProvider.ActivityLeaseDuration), stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            activities.Unreserve(reserved);
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }

        activities.RunLeased(committed.Leased, reserved);
        hub.Notifications.SignalLocal(created, instancesWithWork);
        return committed;
    }

    private void LogCommitted(ClaimedInstance instance, EpisodeCommit commit)
    {
        Logs.EpisodeCommitted(logger, instance.InstanceId, instance.Name, commit.AppendedHistory.Count, commit.Activities.Count + commit.Children.Count + commit.Messages.Count, commit.Status);
        if (commit.UpdatesInstance && commit.Status.IsTerminal())
        {
            Logs.OrchestrationFinished(logger, instance.InstanceId, instance.Name, commit.Status);
            if (commit.Failure is { } failure)
            {
                Logs.OrchestrationFailed(logger, instance.InstanceId, failure.ToString());
            }
        }
    }

    private void Remember(ClaimedInstance instance, IReadOnlyList<HistoryEvent> history, EpisodeCommit commit)
    {
        if (!commit.UpdatesInstance)
        {
            return;
        }

        if (commit.NewExecution is not null || commit.Status.IsTerminal())
        {
            _cache.Remove(instance.InstanceId);
            return;
        }

        _cache.Set(instance.InstanceId, instance.ExecutionId, [.. history, .. commit.AppendedHistory]);
    }
}
