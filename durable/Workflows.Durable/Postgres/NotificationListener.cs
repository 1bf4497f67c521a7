using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using Workflows.Durable.Worker;

namespace Workflows.Durable.Postgres;

/// <summary>
/// One LISTEN connection per process and task hub: wakes idle dispatchers when another process creates work and
/// wakes clients waiting for an instance to finish. Notifications only shorten waits; polling still finds
/// everything if a notification is lost (for example while reconnecting).
/// </summary>
internal sealed class NotificationListener : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TaskHubSchema _schema;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ConcurrentBag<TaskCompletionSource>> _completionWaiters = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startLock = new();
    private Task? _loop;

    public NotificationListener(NpgsqlDataSource dataSource, TaskHubSchema schema, int orchestrationSlots, ILogger logger)
    {
        _dataSource = dataSource;
        _schema = schema;
        _logger = logger;
        OrchestrationWork = new(orchestrationSlots);
    }

    /// <summary>This process's worker id: notifications it sent itself are ignored.</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public WorkSignal OrchestrationWork { get; }

    /// <summary>One lease loop claims activities in batches, so one wake-up is enough.</summary>
    public WorkSignal ActivityWork { get; } = new(1);

    /// <summary>Starts listening, once; later calls return at once.</summary>
    public void EnsureStarted()
    {
        lock (_startLock)
        {
            _loop ??= Task.Run(() => ListenAsync(_stopping.Token));
        }
    }

    /// <summary>A task that completes when the instance is announced as finished (or the connection was lost).</summary>
    public Task WhenAnnouncedAsync(string instanceId)
    {
        EnsureStarted();
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _completionWaiters.GetOrAdd(instanceId, _ => []).Add(waiter);
        return waiter.Task;
    }

    /// <summary>Wakes local dispatchers for work this process created itself, for up to <paramref name="instances"/> orchestrations.</summary>
    public void SignalLocal(WorkKind kind, int instances = 1)
    {
        if (kind.HasFlag(WorkKind.Orchestrations))
        {
            OrchestrationWork.Set(instances);
        }

        if (kind.HasFlag(WorkKind.Activities))
        {
            ActivityWork.Set();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var retryDelay = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                connection.Notification += OnNotification;
                using (var listen = new NpgsqlCommand($"LISTEN \"{_schema.WorkChannel}\"; LISTEN \"{_schema.CompletionChannel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                retryDelay = TimeSpan.FromMilliseconds(100);
                // Anything announced before LISTEN took effect is found by a fresh look.
                WakeEveryone();
                while (!cancellationToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
            {
                Logs.ListenerReconnecting(_logger, ex);
                WakeEveryone();
                await Task.Delay(retryDelay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == _schema.CompletionChannel)
        {
            ReleaseWaiters(e.Payload);
            return;
        }

        var (kind, instances, origin) = WorkNotification.Parse(e.Payload);
        if (origin != WorkerId)
        {
            SignalLocal(kind, instances);
        }
    }

    private void WakeEveryone()
    {
        SignalLocal(WorkKind.Orchestrations | WorkKind.Activities);
        foreach (var instanceId in _completionWaiters.Keys)
        {
            ReleaseWaiters(instanceId);
        }
    }

    private void ReleaseWaiters(string instanceId)
    {
        if (_completionWaiters.TryRemove(instanceId, out var waiters))
        {
            foreach (var waiter in waiters)
            {
                waiter.TrySetResult();
            }
        }
    }
}
