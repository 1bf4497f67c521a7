using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Workflows.Functions.Serving;

/// <summary>
/// A predict response, written straight to the response body with <see cref="Utf8JsonWriter"/>:
/// <c>{"model", "version", "route", "predictions": [...], "probabilities": [{label: p}, ...] (classification), "predictionIds": [...]}</c>.
/// </summary>
internal sealed class PredictionResult(string model, int version, string route, ModelSchema schema, float[] outputs, Guid[] predictionIds) : IResult
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions);
        await using (writer.ConfigureAwait(false))
        {
            Write(writer);
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The index of the largest value (the first of equals).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    internal void Write(Utf8JsonWriter json)
    {
        var width = schema.OutputWidth;
        json.WriteStartObject();
        json.WriteString("model"u8, model);
        json.WriteNumber("version"u8, version);
        json.WriteString("route"u8, route);
        json.WriteStartArray("predictions"u8);
        for (var row = 0; row < predictionIds.Length; row++)
        {
            var values = outputs.AsSpan(row * width, width);
            if (schema.EncodedLabels is { } labels)
            {
                json.WriteStringValue(labels[ArgMax(values)]);
            }
            else
            {
                json.WriteNumberValue(values[0]);
            }
        }

        json.WriteEndArray();
        if (schema.EncodedLabels is { } classLabels)
        {
            json.WriteStartArray("probabilities"u8);
            for (var row = 0; row < predictionIds.Length; row++)
            {
                json.WriteStartObject();
                for (var c = 0; c < width; c++)
                {
                    json.WriteNumber(classLabels[c], outputs[row * width + c]);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteStartArray("predictionIds"u8);
        foreach (var id in predictionIds)
        {
            json.WriteStringValue(id);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
