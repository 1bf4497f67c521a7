using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    /// <exception cref="IdempotencyKeyReusedException">The key was used before with a different request.</exception>
    public async Task<(string RunId, bool Started)> StartAsync(PipelineRunRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var pipeline = pipelines.Get(request.Pipeline);
        request = request with { Pipeline = pipeline.Name };
        var requestJson = JsonSerializer.Serialize(request, JsonSerializerOptions.Web);
        var (runId, created, recorded) = await runs.CreateAsync(NewRunId(pipeline.Name), pipeline.Name, request.Trigger, idempotencyKey, requestJson, cancellationToken).ConfigureAwait(false);
        if (!created)
        {
            if (!JsonNode.DeepEquals(JsonNode.Parse(recorded), JsonNode.Parse(requestJson)))
            {
                throw new IdempotencyKeyReusedException(idempotencyKey!, runId);
            }

            if (await client.GetInstanceAsync(runId, cancellationToken: cancellationToken).ConfigureAwait(false) is not null)
            {
                return (runId, false);
            }
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

/// <summary>An idempotency key came back with a request different from the one it was first used with.</summary>
public sealed class IdempotencyKeyReusedException(string key, string runId)
    : InvalidOperationException($"Idempotency key '{key}' was used for run '{runId}' with a different request; use a new key for a different request.")
{
    public string RunId { get; } = runId;
}
