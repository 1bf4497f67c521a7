using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflows.Durable;
using Workflows.Orchestrations.Alerts;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Runs;

namespace Workflows.Functions.Api;

/// <summary>Monitoring over HTTP: a model's drift checks and their reports, labels fed back for served predictions, and the alerts sent.</summary>
public static class MonitoringEndpoints
{
    public static void MapMonitoringEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models/{name}/drift", ListDriftChecksAsync)
            .WithSummary("A model's drift checks, newest first (of one version with ?version=), with what became of the retraining each started");
        app.MapGet("/api/models/{name}/drift/{id:long}", async (string name, long id, DriftReportStore reports, CancellationToken ct) =>
            await reports.GetAsync(id, ct) is { } check && check.Pipeline == name
                ? Results.Ok(check)
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"Model '{name}' has no drift check {id}."))
            .WithSummary("One drift check: per feature and method, the window, data quality, prediction drift, live accuracy, the retraining it started");
        app.MapPost("/api/models/{name}/feedback", FeedbackAsync).RequireApiKey()
            .WithSummary("True labels for served predictions, by prediction id: live accuracy or error in the next drift check");
        app.MapGet("/api/models/{name}/alerts", async (string name, AlertOutbox alerts, CancellationToken ct) => Results.Ok(await alerts.ListAsync(name, ct)))
            .WithSummary("Alerts sent to the pipeline's webhook, newest first, with their delivery state");
    }

    private static async Task<IResult> ListDriftChecksAsync(
        string name, DriftReportStore reports, DurableTaskClient client, RunStore runs, CancellationToken cancellationToken, int? version = null, int limit = 50)
    {
        var checks = await reports.ListAsync(name, version, Math.Clamp(limit, 1, 500), cancellationToken);
        var retrains = await RetrainRunView.DescribeAsync([.. checks.Select(c => c.RetrainRunId).OfType<string>().Distinct()], client, runs, cancellationToken);
        return Results.Ok(checks.Select(check => DriftCheckSummary.From(check, retrains)));
    }

    private static async Task<IResult> FeedbackAsync(string name, FeedbackBody body, FeedbackStore feedback, CancellationToken cancellationToken)
    {
        if (body.Labels is not { Count: > 0 and <= FeedbackStore.MaxLabels } labels)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No labels or too many",
                detail: $"The body needs \"labels\": [{{\"predictionId\": \"...\", \"label\": ...}}, ...], 1 to {FeedbackStore.MaxLabels} of them.");
        }

        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i].PredictionId == Guid.Empty || labels[i].Label.ValueKind is not (System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Number))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid label",
                    detail: $"labels[{i}] needs a predictionId and a label that is a class label (string) or a target value (number).");
            }
        }

        var matched = await feedback.SaveAsync(name, [.. labels.Select(l => (l.PredictionId, l.Label))], cancellationToken);
        return Results.Ok(new { accepted = labels.Count, matchedLoggedPredictions = matched });
    }
}
