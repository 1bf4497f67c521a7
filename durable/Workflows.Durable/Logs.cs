using Microsoft.Extensions.Logging;

namespace Workflows.Durable;

/// <summary>The runtime's log messages, source-generated, with fixed event ids.</summary>
internal static partial class Logs
{
    [LoggerMessage(1, LogLevel.Information, "Task hub schema '{Schema}' migrated to version {Version}")]
    public static partial void SchemaMigrated(ILogger logger, string schema, string version);

    [LoggerMessage(2, LogLevel.Information, "Durable worker {WorkerId} started on task hub '{Hub}' ({Orchestrators} orchestrator and {Activities} activity slots)")]
    public static partial void WorkerStarted(ILogger logger, string workerId, string hub, int orchestrators, int activities);

    [LoggerMessage(3, LogLevel.Information, "Durable worker {WorkerId} stopped")]
    public static partial void WorkerStopped(ILogger logger, string workerId);

    [LoggerMessage(10, LogLevel.Debug, "Episode of {InstanceId} ({Name}): {Events} new events, {Actions} actions, status {Status}")]
    public static partial void EpisodeCommitted(ILogger logger, string instanceId, string name, int events, int actions, OrchestrationRuntimeStatus status);

    [LoggerMessage(11, LogLevel.Information, "Orchestration {InstanceId} ({Name}) finished: {Status}")]
    public static partial void OrchestrationFinished(ILogger logger, string instanceId, string name, OrchestrationRuntimeStatus status);

    [LoggerMessage(12, LogLevel.Error, "Episode of {InstanceId} was rolled back and will be retried")]
    public static partial void EpisodeRolledBack(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(15, LogLevel.Error, "Episodes of {InstanceIds} were rolled back together and will be retried, one instance at a time for a while")]
    public static partial void SessionRolledBack(ILogger logger, string instanceIds, Exception exception);

    [LoggerMessage(13, LogLevel.Warning, "Orchestration {InstanceId} failed: {Failure}")]
    public static partial void OrchestrationFailed(ILogger logger, string instanceId, string failure);

    [LoggerMessage(14, LogLevel.Error, "Orchestrator code of {InstanceId} resumed on another thread after its episode ended (Task.Run, CancellationTokenSource.CancelAsync, ConfigureAwait(false) or direct I/O in orchestrator code). That work is lost; move it into an activity or use CancellationTokenSource.Cancel()")]
    public static partial void ContinuationAfterEpisode(ILogger logger, string instanceId);

    [LoggerMessage(20, LogLevel.Warning, "Activity {Name} (task #{TaskId} of {InstanceId}) failed")]
    public static partial void ActivityFailed(ILogger logger, string name, int taskId, string instanceId, Exception exception);

    [LoggerMessage(21, LogLevel.Warning, "Result of activity {Name} (task #{TaskId} of {InstanceId}) was discarded: its lease had expired and the task was given to another worker or cancelled")]
    public static partial void ActivityLeaseLost(ILogger logger, string name, int taskId, string instanceId);

    [LoggerMessage(30, LogLevel.Error, "The {Dispatcher} dispatcher hit an error; retrying after a pause")]
    public static partial void DispatcherError(ILogger logger, string dispatcher, Exception exception);

    [LoggerMessage(31, LogLevel.Warning, "Lost the notification connection; reconnecting (polling covers the gap)")]
    public static partial void ListenerReconnecting(ILogger logger, Exception exception);
}
