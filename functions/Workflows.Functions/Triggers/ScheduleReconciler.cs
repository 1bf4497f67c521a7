using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Durable;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Functions.Triggers;

/// <summary>
/// Keeps one running Schedule orchestration per pipeline with a <c>schedule</c>, on that schedule: at start-up and
/// after each reload of the definitions. A changed schedule replaces the instance; a removed one ends it.
/// </summary>
public sealed partial class ScheduleReconciler(PipelineDirectory pipelines, DurableTaskClient client, ILogger<ScheduleReconciler> logger) : IHostedService
{
    private static readonly TimeSpan TerminationWait = TimeSpan.FromSeconds(30);

    public Task StartAsync(CancellationToken cancellationToken) => ReconcileAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Brings the schedule instances in line with the definitions; returns what changed, a line each.</summary>
    public async Task<IReadOnlyList<string>> ReconcileAsync(CancellationToken cancellationToken)
    {
        var changes = new List<string>();
        var wanted = pipelines.Pipelines.Where(p => p.Schedule is not null).ToDictionary(p => ScheduleOrchestrator.InstanceId(p.Name), p => new ScheduleInput(p.Name, p.Schedule!));
        var running = new Dictionary<string, OrchestrationMetadata>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await client.QueryInstancesAsync(new OrchestrationQuery
            {
                Name = nameof(ScheduleOrchestrator),
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

        foreach (var (id, instance) in running.ToList())
        {
            var current = instance.SerializedInput is null ? null : JsonSerializer.Deserialize<ScheduleInput>(instance.SerializedInput, JsonSerializerOptions.Web);
            if (wanted.TryGetValue(id, out var input) && input == current)
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
            if (!wanted.ContainsKey(id))
            {
                changes.Add($"{id}: removed");
                LogScheduleRemoved(logger, id);
            }
        }

        foreach (var (id, input) in wanted)
        {
            if (running.TryGetValue(id, out var instance) && instance.SerializedInput is { } serialized
                && JsonSerializer.Deserialize<ScheduleInput>(serialized, JsonSerializerOptions.Web) == input)
            {
                continue;
            }

            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(nameof(ScheduleOrchestrator), input, new StartOrchestrationOptions(id), cancellationToken).ConfigureAwait(false);
            }
            catch (OrchestrationAlreadyExistsException)
            {
                // Another host starting at the same time scheduled it first.
                continue;
            }

            changes.Add($"{id}: {input.Cron}");
            LogScheduleStarted(logger, input.Pipeline, input.Cron);
        }

        return changes;
    }

    [LoggerMessage(2101, LogLevel.Information, "Schedule of pipeline {Pipeline} started: {Cron}")]
    private static partial void LogScheduleStarted(ILogger logger, string pipeline, string cron);

    [LoggerMessage(2103, LogLevel.Warning, "Schedule {InstanceId} was asked to end but has not yet; it is replaced on a later reload")]
    private static partial void LogTerminationPending(ILogger logger, string instanceId);

    [LoggerMessage(2102, LogLevel.Information, "Schedule {InstanceId} ended: the pipeline no longer has a schedule")]
    private static partial void LogScheduleRemoved(ILogger logger, string instanceId);
}
