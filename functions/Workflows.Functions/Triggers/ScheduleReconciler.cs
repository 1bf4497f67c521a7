using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Durable;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Functions.Triggers;

/// <summary>
/// Keeps the pipelines' eternal orchestrations running as the definitions say, at start-up and after each reload:
/// a Schedule per pipeline with a <c>schedule</c> (retraining runs) and a DriftMonitor per pipeline with a
/// <c>monitoring</c> section (drift checks on its schedule). A changed schedule replaces the instance; a removed one ends it.
/// </summary>
public sealed partial class ScheduleReconciler(PipelineDirectory pipelines, DurableTaskClient client, ILogger<ScheduleReconciler> logger) : IHostedService
{
    private static readonly TimeSpan TerminationWait = TimeSpan.FromSeconds(30);

    public Task StartAsync(CancellationToken cancellationToken) => ReconcileAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Brings the eternal instances in line with the definitions: a Schedule per pipeline with a <c>schedule</c>, a
    /// DriftMonitor per pipeline with a <c>monitoring</c> section. Returns what changed, a line each.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReconcileAsync(CancellationToken cancellationToken)
    {
        var changes = new List<string>();
        await ReconcileAsync(nameof(ScheduleOrchestrator),
            pipelines.Pipelines.Where(p => p.Schedule is not null).ToDictionary(p => ScheduleOrchestrator.InstanceId(p.Name), p => new ScheduleInput(p.Name, p.Schedule!)),
            input => input.Cron, changes, cancellationToken).ConfigureAwait(false);
        await ReconcileAsync(nameof(DriftMonitorOrchestrator),
            pipelines.Pipelines.Where(p => p.Monitoring is not null).ToDictionary(p => DriftMonitorOrchestrator.InstanceId(p.Name), p => DriftMonitorInput.Start(p.Name, p.Monitoring!.Schedule)),
            input => input.Schedule, changes, cancellationToken).ConfigureAwait(false);
        return changes;
    }

    /// <summary>
    /// Makes the running instances of <paramref name="orchestrator"/> exactly <paramref name="wanted"/> (by instance id
    /// and input's <paramref name="identity"/>): a changed input replaces the instance, a missing one ends it.
    /// </summary>
    private async Task ReconcileAsync<TInput>(string orchestrator, Dictionary<string, TInput> wanted, Func<TInput, string> identity, List<string> changes, CancellationToken cancellationToken)
    {
        var running = new Dictionary<string, OrchestrationMetadata>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await client.QueryInstancesAsync(new OrchestrationQuery
            {
                Name = orchestrator,
                Statuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended],
                FetchInputsAndOutputs = true,
                PageSize = 1000,
                ContinuationToken = token,
            }, cancellationToken).ConfigureAwait(false);
            foreach (var instance in page.Items)
            {
                running[instance.InstanceId] = instance;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        string? IdentityOf(OrchestrationMetadata instance) =>
            instance.SerializedInput is { } serialized && JsonSerializer.Deserialize<TInput>(serialized, JsonSerializerOptions.Web) is { } input ? identity(input) : null;

        foreach (var (id, instance) in running.ToList())
        {
            if (wanted.TryGetValue(id, out var input) && identity(input) == IdentityOf(instance))
            {
                continue;
            }

            await client.TerminateInstanceAsync(id, wanted.ContainsKey(id) ? "schedule changed" : "schedule removed", cancellationToken).ConfigureAwait(false);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TerminationWait);
            try
            {
                await client.WaitForInstanceCompletionAsync(id, cancellationToken: wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Its workers are busy or gone: it ends when one takes the termination. The next reload replaces it then.
                changes.Add($"{id}: termination pending");
                LogTerminationPending(logger, id);
                running.Remove(id);
                wanted.Remove(id);
                continue;
            }

            running.Remove(id);
            if (!wanted.ContainsKey(id))
            {
                changes.Add($"{id}: removed");
                LogScheduleRemoved(logger, id);
            }
        }

        foreach (var (id, input) in wanted)
        {
            if (running.ContainsKey(id))
            {
                continue;
            }

            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(id), cancellationToken).ConfigureAwait(false);
            }
            catch (OrchestrationAlreadyExistsException)
            {
                // Another host starting at the same time scheduled it first.
                continue;
            }

            changes.Add($"{id}: {identity(input)}");
            LogScheduleStarted(logger, id, identity(input));
        }
    }

    [LoggerMessage(2101, LogLevel.Information, "{InstanceId} started: {Cron}")]
    private static partial void LogScheduleStarted(ILogger logger, string instanceId, string cron);

    [LoggerMessage(2103, LogLevel.Warning, "Schedule {InstanceId} was asked to end but has not yet; it is replaced on a later reload")]
    private static partial void LogTerminationPending(ILogger logger, string instanceId);

    [LoggerMessage(2102, LogLevel.Information, "{InstanceId} ended: the pipeline no longer has that schedule")]
    private static partial void LogScheduleRemoved(ILogger logger, string instanceId);
}
