using System.Security.Cryptography;
using System.Text.Json;
using Workflows.Durable;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Runs;

/// <summary>
/// Starts pipeline runs for every trigger (HTTP, CLI, schedule, new data). With an idempotency key, asking twice
/// starts one run and returns it both times, even when the first request died between recording and scheduling.
/// </summary>
public sealed class PipelineRunLauncher(PipelineDirectory pipelines, RunStore runs, DurableTaskClient client)
{
    /// <summary>Starts a run; returns its id and whether this call started it.</summary>
    /// <exception cref="UnknownPipelineException">No such pipeline.</exception>
    public async Task<(string RunId, bool Started)> StartAsync(PipelineRunRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var pipeline = pipelines.Get(request.Pipeline);
        request = request with { Pipeline = pipeline.Name };
        var (runId, created) = await runs.CreateAsync(NewRunId(pipeline.Name), pipeline.Name, request.Trigger, idempotencyKey,
            JsonSerializer.Serialize(request, JsonSerializerOptions.Web), cancellationToken).ConfigureAwait(false);
        if (!created && await client.GetInstanceAsync(runId, cancellationToken: cancellationToken).ConfigureAwait(false) is not null)
        {
            return (runId, false);
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(PipelineRunOrchestrator), request, new StartOrchestrationOptions(runId), cancellationToken).ConfigureAwait(false);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // A concurrent request with the same key scheduled it first.
            return (runId, false);
        }

        return (runId, true);
    }

    /// <summary>
    /// A run id that sorts by time and says which pipeline it belongs to: <c>PIPELINE.yyyyMMdd-HHmmss-XXXXXX</c>. Names
    /// have no '.', so <see cref="IdPrefix"/> of one pipeline is never the prefix of another's runs.
    /// </summary>
    public static string NewRunId(string pipeline) =>
        $"{IdPrefix(pipeline)}{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    /// <summary>What the ids of a pipeline's runs start with.</summary>
    public static string IdPrefix(string pipeline) => pipeline + ".";
}
