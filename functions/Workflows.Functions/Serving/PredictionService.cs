using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Workflows.Functions.Serving;

/// <summary>
/// One predict request from body to answer: route it (or resolve the version asked for), parse and check the body
/// against that model's schema, queue it for the model's batcher, wait for its outputs, sample it into the prediction
/// log, hand a copy to the shadow, and answer.
/// </summary>
internal sealed class PredictionService(PredictionRouter router, ServedModels models, ShadowScorer shadows, PredictionLog log, IOptions<ServingOptions> options)
{
    private readonly int _maxRows = options.Value.MaxRequestRows;

    /// <summary>Scores the request's body with the pipeline's routed model, or with <paramref name="versionOrAlias"/> when given.</summary>
    public async Task<IResult> PredictAsync(HttpContext context, string pipeline, string? versionOrAlias)
    {
        var cancellationToken = context.RequestAborted;
        using var activity = ServingTelemetry.Source.StartActivity("predict");
        activity?.SetTag("workflows.model", pipeline);
        var body = context.Request.BodyReader;
        var read = await ReadToEndAsync(body, cancellationToken).ConfigureAwait(false);
        ServedModel? model;
        ServedModel? shadow = null;
        string route;
        try
        {
            try
            {
                if (versionOrAlias is null)
                {
                    var choice = await router.RouteAsync(pipeline, cancellationToken).ConfigureAwait(false);
                    (model, route, shadow) = choice is { } chosen ? chosen : default;
                }
                else
                {
                    var version = await router.ResolveAsync(pipeline, versionOrAlias, cancellationToken).ConfigureAwait(false);
                    model = version is null ? null : await models.AcquireAsync(pipeline, version.Value, cancellationToken).ConfigureAwait(false);
                    route = ServingRoutes.Version;
                }
            }
            catch (ModelLoadException e)
            {
                return Problem(StatusCodes.Status503ServiceUnavailable, "Model unavailable", e.Message);
            }

            if (model is null)
            {
                return Problem(StatusCodes.Status404NotFound, "Model not found", versionOrAlias is null
                    ? $"Model '{pipeline}' has nothing in production (no model version is registered and deployed under that name)."
                    : $"Model '{pipeline}' has no version or alias '{versionOrAlias}'.");
            }

            activity?.SetTag("workflows.model.version", model.Version);
            activity?.SetTag("workflows.route", route!);
            try
            {
                return await ScoreAsync(context, pipeline, model, route!, ref shadow, read.Buffer).ConfigureAwait(false);
            }
            finally
            {
                model.Release();
            }
        }
        finally
        {
            shadow?.Release();
            body.AdvanceTo(read.Buffer.End);
        }
    }

    private Task<IResult> ScoreAsync(HttpContext context, string pipeline, ServedModel model, string route, ref ServedModel? shadow, ReadOnlySequence<byte> body)
    {
        PredictionInput input;
        try
        {
            input = PredictionRequestParser.Parse(body, model.Schema, _maxRows);
        }
        catch (PredictionInputException e)
        {
            var extensions = new Dictionary<string, object?>();
            if (e.Row is { } row)
            {
                extensions["row"] = row;
            }

            if (e.Field is { } field)
            {
                extensions["field"] = field;
            }

            return Task.FromResult(Problem(StatusCodes.Status400BadRequest, "Invalid prediction input", e.Message, extensions));
        }

        var request = new ScoringRequest(input.Features, input.Rows);
        if (!model.Batcher.TryEnqueue(request))
        {
            context.Response.Headers.RetryAfter = "1";
            return Task.FromResult(Problem(StatusCodes.Status503ServiceUnavailable, "Too many requests queued",
                $"Model '{pipeline}' v{model.Version} has {model.Batcher.Queued} requests waiting, its limit; retry shortly."));
        }

        // The shadow copies the body now: the pipe's memory goes back when this request is done with it.
        var shadowBody = shadow is null ? null : body.ToArray();
        var handedOver = shadow;
        shadow = null;
        return AnswerAsync(pipeline, model, route, input, request, handedOver, shadowBody);
    }

    private async Task<IResult> AnswerAsync(string pipeline, ServedModel model, string route, PredictionInput input, ScoringRequest request, ServedModel? shadow, byte[]? shadowBody)
    {
        float[] outputs;
        try
        {
            outputs = await request.Completion.Task.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            shadow?.Release();
            Activity.Current?.SetStatus(ActivityStatusCode.Error, e.Message);
            return Problem(StatusCodes.Status500InternalServerError, "Scoring failed", $"Model '{pipeline}' v{model.Version} failed to score the request: {e.Message}");
        }

        var ids = new Guid[input.Rows];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = Guid.CreateVersion7();
        }

        var logged = log.Sample();
        if (logged)
        {
            log.Write(pipeline, model.Version, route, model.Schema, input.Features, outputs, ids);
        }

        if (shadow is not null)
        {
            shadows.Start(shadow, shadowBody!, ids, logged);
        }

        return new PredictionResult(pipeline, model.Version, route, model.Schema, outputs, ids);
    }

    private static async ValueTask<ReadResult> ReadToEndAsync(PipeReader body, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Kestrel's request size limit bounds how much this buffers.
            var read = await body.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (read.IsCompleted || read.IsCanceled)
            {
                return read;
            }

            body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static IResult Problem(int status, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);
}
