using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflows.Durable;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Runs;
using Workflows.Orchestrations.Training;

namespace Workflows.Functions.Api;

/// <summary>Start, read, list, cancel and signal pipeline runs.</summary>
public static class RunEndpoints
{
    public static void MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/pipelines/{pipeline}/runs", StartAsync).RequireApiKey()
            .WithSummary("Start a run of a pipeline").WithDescription("Optional Idempotency-Key header: the same key returns the same run.");
        app.MapGet("/api/runs/{id}", GetAsync).WithName("GetRun").WithSummary("A run: status, current stage, each stage's timing and outcome, links");
        app.MapGet("/api/runs", ListAsync).WithSummary("Runs, newest first, filtered by pipeline, status and creation time, with paging");
        app.MapPost("/api/runs/{id}/cancel", CancelAsync).RequireApiKey().WithSummary("Cancel a run");
        app.MapPost("/api/runs/{id}/events/{eventName}", RaiseEventAsync).RequireApiKey().WithSummary("Send an event to a run (for example an approval)");
    }

    private static async Task<IResult> StartAsync(string pipeline, StartRunBody? body, HttpRequest request, PipelineRunLauncher launcher, CancellationToken cancellationToken)
    {
        var key = request.Headers["Idempotency-Key"].FirstOrDefault();
        try
        {
            var (runId, started) = await launcher.StartAsync(new PipelineRunRequest(pipeline, body?.DatasetVersion, body?.Overrides, "http"), key, cancellationToken);
            var links = ManagementLinks.For(BaseUri(request), runId);
            return started ? Results.Accepted(links.StatusQueryGetUri, links) : Results.Ok(links);
        }
        catch (UnknownPipelineException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown pipeline", detail: ex.Message);
        }
        catch (IdempotencyKeyReusedException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency key reused", detail: ex.Message);
        }
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, DurableTaskClient client, RunStore runs, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        var records = await runs.GetAsync([id], cancellationToken);
        if (instance is null || !records.TryGetValue(id, out var record))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown run", detail: $"There is no run '{id}'.");
        }

        return Results.Ok(RunView.From(instance, record, BaseUri(request)));
    }

    private static async Task<IResult> ListAsync(
        HttpRequest request, DurableTaskClient client, RunStore runs, PipelineDirectory pipelines, CancellationToken cancellationToken,
        string? pipeline = null, string? status = null, DateTime? createdFrom = null, DateTime? createdTo = null, int pageSize = 50, string? continuationToken = null)
    {
        if (pageSize is < 1 or > 500)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid query", detail: "pageSize must be between 1 and 500.");
        }

        var statuses = new List<OrchestrationRuntimeStatus>();
        foreach (var part in (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<OrchestrationRuntimeStatus>(part, ignoreCase: true, out var parsed))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid query",
                    detail: $"status '{part}' is not one of {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}.");
            }

            statuses.Add(parsed);
        }

        if (pipeline is not null)
        {
            if (pipelines.Find(pipeline) is not { } known)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown pipeline", detail: new UnknownPipelineException(pipeline, pipelines.Pipelines.Select(p => p.Name)).Message);
            }

            pipeline = known.Name;
        }

        var page = await client.QueryInstancesAsync(new OrchestrationQuery
        {
            Name = nameof(PipelineRunOrchestrator),
            InstanceIdPrefix = pipeline is null ? null : PipelineRunLauncher.IdPrefix(pipeline),
            Statuses = statuses.Count == 0 ? null : statuses,
            CreatedFrom = createdFrom,
            CreatedTo = createdTo,
            PageSize = pageSize,
            ContinuationToken = continuationToken,
            NewestFirst = true,
            FetchInputsAndOutputs = true,
        }, cancellationToken);
        var records = await runs.GetAsync([.. page.Items.Select(i => i.InstanceId)], cancellationToken);
        var baseUri = BaseUri(request);
        var items = page.Items.Where(i => records.ContainsKey(i.InstanceId))
            .Select(i => RunView.From(i, records[i.InstanceId], baseUri)).ToList();
        return Results.Ok(new RunPage(items, page.ContinuationToken));
    }

    private static async Task<IResult> CancelAsync(string id, string? reason, DurableTaskClient client, TrainingJobStore jobs, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(id, cancellationToken: cancellationToken);
        if (instance is null || instance.Name != nameof(PipelineRunOrchestrator))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown run", detail: $"There is no run '{id}'.");
        }

        if (instance.IsCompleted)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Run has ended", detail: $"Run '{id}' already ended: {instance.RuntimeStatus}.");
        }

        reason ??= "cancelled through the API";
        await client.TerminateInstanceAsync(id, reason, cancellationToken);
        // Workers learn of it at their next heartbeat and kill their trainers; the jobs' watchers end with them.
        await jobs.CancelRunAsync(id, $"The run was cancelled: {reason}", cancellationToken);
        foreach (var job in await jobs.ListForRunAsync(id, cancellationToken))
        {
            // A watcher that already ended (it saw its job end) needs nothing.
            if (await client.GetInstanceAsync(job.OrchestrationId, cancellationToken: cancellationToken) is { IsCompleted: false })
            {
                await client.TerminateInstanceAsync(job.OrchestrationId, reason, cancellationToken);
            }
        }

        return Results.Accepted();
    }

    private static async Task<IResult> RaiseEventAsync(string id, string eventName, HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        JsonElement? data = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
                data = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid event data", detail: $"The body is not JSON: {ex.Message}");
            }
        }

        if (RunEventShapes.Problem(eventName, data) is { } problem)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid event data", detail: problem);
        }

        try
        {
            await client.RaiseEventAsync(id, eventName, data, cancellationToken);
            return Results.Accepted();
        }
        catch (InvalidOperationException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not accepting events", detail: ex.Message);
        }
    }

    internal static string BaseUri(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
