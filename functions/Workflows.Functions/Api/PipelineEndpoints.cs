using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflows.Functions.Triggers;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Functions.Api;

/// <summary>The pipeline definitions, and reloading them (schedules follow).</summary>
public static class PipelineEndpoints
{
    public static void MapPipelineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/pipelines", (PipelineDirectory pipelines) => Results.Ok(pipelines.Pipelines)).WithSummary("The pipelines defined now");
        app.MapPost("/api/pipelines/reload", ReloadAsync).RequireApiKey()
            .WithSummary("Load the definitions again; schedules are started, changed or ended to match");
    }

    private static async Task<IResult> ReloadAsync(PipelineDirectory pipelines, ScheduleReconciler schedules, CancellationToken cancellationToken)
    {
        try
        {
            pipelines.Reload();
        }
        catch (PipelineDefinitionException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid pipeline definitions", detail: ex.Message);
        }

        var changes = await schedules.ReconcileAsync(cancellationToken);
        return Results.Ok(new { pipelines = pipelines.Pipelines.Select(p => p.Name), scheduleChanges = changes });
    }
}
