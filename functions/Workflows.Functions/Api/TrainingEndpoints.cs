using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflows.Orchestrations.Training;

namespace Workflows.Functions.Api;

/// <summary>Training as users see it: a run's jobs (every trial, its parameters, progress and metrics), one job, and the worker pool.</summary>
public static class TrainingEndpoints
{
    public static void MapTrainingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/runs/{id}/jobs", async (string id, TrainingJobStore jobs, CancellationToken cancellationToken) =>
            Results.Ok(await jobs.ListForRunAsync(id, cancellationToken))).WithSummary("A run's training jobs, one per trial");
        app.MapGet("/api/jobs/{id}", async (string id, TrainingJobStore jobs, CancellationToken cancellationToken) =>
            await jobs.GetAsync(id, cancellationToken) is { } job
                ? Results.Ok(job)
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown job", detail: $"There is no training job '{id}'.")).WithSummary("A training job");
        app.MapGet("/api/workers", async (TrainingJobStore jobs, CancellationToken cancellationToken) =>
            Results.Ok(await jobs.ListWorkersAsync(cancellationToken))).WithSummary("Workers as last seen");
    }
}
