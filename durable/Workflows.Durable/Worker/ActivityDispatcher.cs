using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workflows.Durable.History;
using Workflows.Durable.Postgres;

namespace Workflows.Durable.Worker;

/// <summary>
/// Leases activity tasks in batches, runs them in parallel up to the configured concurrency, keeps their leases
/// alive while they run, and commits their results in batches (one transaction for all results ready together).
/// </summary>
internal sealed class ActivityDispatcher(PostgresTaskHub hub, DurableTaskRegistry registry, IServiceProvider services, DataConverter converter, ILogger logger)
{
    private readonly ConcurrentDictionary<long, RunningActivity> _running = new();
    private readonly Channel<(RunningActivity Activity, HistoryEvent Result)> _results = Channel.CreateUnbounded<(RunningActivity, HistoryEvent)>(new() { SingleReader = true });
    private readonly SemaphoreSlim _slots = new(hub.Options.MaxConcurrentActivityFunctions);
    private CancellationToken _stopping = CancellationToken.None;

    private string WorkerId => hub.Notifications.WorkerId;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var writer = Task.Run(() => WriteResultsAsync(CancellationToken.None), CancellationToken.None);
        var renewer = Task.Run(() => RenewLeasesAsync(shutdown.Token), CancellationToken.None);
        try
        {
            await LeaseLoopAsync(_slots, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Running activities saw the stopping token; wait for them to finish or abandon their tasks.
        while (!_running.IsEmpty)
        {
            await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
        }

        _results.Writer.Complete();
        await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await shutdown.CancelAsync().ConfigureAwait(false);
        await renewer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task LeaseLoopAsync(SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        var options = hub.Options;
        var names = registry.ActivityNames.Select(n => n.ToLowerInvariant()).ToArray();
        var backoff = new PollingBackoff(options.StorageProvider.MaxPollingInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
            var free = 1;
            while (free < options.StorageProvider.ActivityBatchSize && slots.Wait(0, CancellationToken.None))
            {
                free++;
            }

            List<ActivityWorkItem> items;
            try
            {
                items = await hub.Activities.ClaimAsync(WorkerId, names, free, options.StorageProvider.ActivityLeaseDuration, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                slots.Release(free);
                Logs.DispatcherError(logger, "activity", ex);
                await Task.Delay(backoff.Next(), stoppingToken).ConfigureAwait(false);
                continue;
            }

            if (free > items.Count)
            {
                slots.Release(free - items.Count);
            }

            if (items.Count == 0)
            {
                await WaitForWorkAsync(backoff, stoppingToken).ConfigureAwait(false);
                continue;
            }

            backoff.Reset();
            Start(items);
        }
    }

    /// <summary>Takes up to <paramref name="count"/> free slots without waiting, for tasks an episode leases to this worker.</summary>
    public int TryReserve(int count)
    {
        var reserved = 0;
        while (reserved < count && !_stopping.IsCancellationRequested && _slots.Wait(0, CancellationToken.None))
        {
            reserved++;
        }

        return reserved;
    }

    /// <summary>Gives back reserved slots that were not used.</summary>
    public void Unreserve(int count)
    {
        if (count > 0)
        {
            _slots.Release(count);
        }
    }

    /// <summary>Runs tasks leased to this worker by an episode's commit, in the slots reserved for them.</summary>
    public void RunLeased(List<ActivityWorkItem> items, int reserved)
    {
        Unreserve(reserved - items.Count);
        Start(items);
    }

    private void Start(List<ActivityWorkItem> items)
    {
        foreach (var item in items)
        {
            var activity = new RunningActivity(item, CancellationTokenSource.CreateLinkedTokenSource(_stopping));
            _running[item.Id] = activity;
            _ = Task.Run(() => ExecuteAsync(activity), CancellationToken.None);
        }
    }

    private async Task WaitForWorkAsync(PollingBackoff backoff, CancellationToken stoppingToken)
    {
        // Nobody announces a dead worker's lease expiring: the poll finds such tasks within the polling interval.
        if (await hub.Notifications.ActivityWork.WaitAsync(backoff.Next(), stoppingToken).ConfigureAwait(false))
        {
            backoff.Reset();
        }
    }

    private async Task ExecuteAsync(RunningActivity activity)
    {
        var item = activity.Item;
        using var span = DurableTelemetry.Source.StartActivity("activity " + item.Name, ActivityKind.Internal);
        span?.SetTag("workflows.instance_id", item.InstanceId);
        span?.SetTag("workflows.task_id", item.TaskId);
        HistoryEvent result;
        try
        {
            if (!registry.TryGetActivity(item.Name, out var registration))
            {
                throw new InvalidOperationException($"No activity named '{item.Name}' is registered in this worker.");
            }

            var scope = services.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var input = converter.Deserialize(item.Input, registration.InputType);
                var instance = (ITaskActivity)registration.Create(scope.ServiceProvider);
                var context = new TaskActivityContext(item.Name, item.InstanceId, item.TaskId, item.DequeueCount, activity.Cancellation.Token);
                var output = await instance.RunAsync(context, input).ConfigureAwait(false);
                result = new TaskCompleted(item.TaskId, converter.Serialize(output)) { Timestamp = DateTime.UtcNow };
            }
        }
        catch (OperationCanceledException) when (activity.Cancellation.IsCancellationRequested)
        {
            // Shutting down or lease lost: give the task back rather than report a failure it did not have.
            await AbandonAsync(activity).ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            Logs.ActivityFailed(logger, item.Name, item.TaskId, item.InstanceId, ex);
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            result = new TaskFailed(item.TaskId, TaskFailureDetails.FromException(ex)) { Timestamp = DateTime.UtcNow };
        }

        await _results.Writer.WriteAsync((activity, result), CancellationToken.None).ConfigureAwait(false);
    }

    private async Task AbandonAsync(RunningActivity activity)
    {
        try
        {
            await hub.Activities.AbandonAsync(WorkerId, activity.Item, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The lease expires on its own; another worker takes the task then.
            Logs.DispatcherError(logger, "activity", ex);
        }
        finally
        {
            Finish(activity);
        }
    }

    /// <summary>Commits results as they come, all those ready at once in one transaction.</summary>
    private async Task WriteResultsAsync(CancellationToken cancellationToken)
    {
        var batch = new List<(RunningActivity Activity, HistoryEvent Result)>();
        while (await _results.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < 500 && _results.Reader.TryRead(out var result))
            {
                batch.Add(result);
            }

            try
            {
                var accepted = await hub.Activities.CompleteAsync(WorkerId, batch.Select(r => (r.Activity.Item, r.Result)).ToList(), cancellationToken).ConfigureAwait(false);
                hub.Notifications.SignalLocal(WorkKind.Orchestrations, batch.Select(r => r.Activity.Item.InstanceId).Distinct().Count());
                foreach (var (activity, _) in batch)
                {
                    if (!accepted.Contains(activity.Item.Id))
                    {
                        Logs.ActivityLeaseLost(logger, activity.Item.Name, activity.Item.TaskId, activity.Item.InstanceId);
                    }

                    Finish(activity);
                }
            }
            catch (Exception ex)
            {
                // The results were not stored; their leases lapse and the tasks run again (at least once).
                Logs.DispatcherError(logger, "activity result", ex);
                foreach (var (activity, _) in batch)
                {
                    Finish(activity);
                }
            }
        }
    }

    private async Task RenewLeasesAsync(CancellationToken cancellationToken)
    {
        var lease = hub.Options.StorageProvider.ActivityLeaseDuration;
        using var timer = new PeriodicTimer(lease / 3);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var ids = _running.Keys.ToArray();
            if (ids.Length == 0)
            {
                continue;
            }

            try
            {
                var held = await hub.Activities.RenewAsync(WorkerId, ids, lease, cancellationToken).ConfigureAwait(false);
                foreach (var id in ids.Where(id => !held.Contains(id)))
                {
                    if (_running.TryGetValue(id, out var lost))
                    {
                        // Another worker has the task now (or its instance ended): stop working on it.
                        try
                        {
                            await lost.Cancellation.CancelAsync().ConfigureAwait(false);
                        }
                        catch (ObjectDisposedException)
                        {
                            // It finished in the meantime.
                        }
                    }
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Logs.DispatcherError(logger, "lease renewal", ex);
            }
        }
    }

    private void Finish(RunningActivity activity)
    {
        if (_running.TryRemove(activity.Item.Id, out _))
        {
            activity.Cancellation.Dispose();
            _slots.Release();
        }
    }

    private sealed record RunningActivity(ActivityWorkItem Item, CancellationTokenSource Cancellation);
}
