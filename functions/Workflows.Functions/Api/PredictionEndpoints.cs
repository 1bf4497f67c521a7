using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflows.Functions.Serving;

namespace Workflows.Functions.Api;

/// <summary>
/// The scoring endpoint: predictions from a pipeline's production model (with its canary and shadow), or from a version
/// named by number or alias. Like the other reads, it needs no API key: put the host behind your gateway to restrict it.
/// </summary>
public static class PredictionEndpoints
{
    public static void MapPredictionEndpoints(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/models/{name}").WithTags("Predictions");
        models.MapPost("/predict", (string name, HttpContext context, PredictionService service) => service.PredictAsync(context, name, null))
            .WithName("Predict")
            .WithSummary("Score rows with the production model (a canary candidate answers its share; a shadow scores copies)")
            .Accepts<PredictRequest>("application/json")
            .Produces<PredictResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        models.MapPost("/versions/{version}/predict", (string name, string version, HttpContext context, PredictionService service) => service.PredictAsync(context, name, version))
            .WithName("PredictWithVersion")
            .WithSummary("Score rows with one version, by number or alias, without routing")
            .Accepts<PredictRequest>("application/json")
            .Produces<PredictResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }
}
