using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflows.Functions.Triggers;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Platform;

namespace Workflows.Functions.Api;

/// <summary>Datasets, their versions (schema, statistics, lineage, report), diffs, downloads, and ingestion by upload.</summary>
public static class DatasetEndpoints
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static void MapDatasetEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/datasets", async (DatasetStore datasets, CancellationToken ct) => Results.Ok(await datasets.ListDatasetsAsync(ct)))
            .WithSummary("Datasets with their version counts");
        app.MapGet("/api/datasets/{name}/versions", async (string name, DatasetStore datasets, CancellationToken ct) => Results.Ok(await datasets.ListVersionsAsync(name, ct)))
            .WithSummary("A dataset's versions, newest first");
        app.MapGet("/api/datasets/{name}/versions/{version:int}", GetVersionAsync).WithSummary("A version: schema, statistics, lineage, validation report");
        app.MapGet("/api/datasets/{name}/versions/{version:int}/download", DownloadAsync).WithSummary("A version's canonical CSV");
        app.MapGet("/api/datasets/{name}/diff", DiffAsync).WithSummary("How two versions differ: rows, schema, per-column statistics");
        app.MapPost("/api/datasets/{name}/ingest", IngestAsync).RequireApiKey().WithSummary("Upload a CSV file as a new version (the body is the file)");
        app.MapGet("/api/ingestions", async (DatasetStore datasets, CancellationToken ct, string? dataset = null, IngestionStatus? status = null, int limit = 100) =>
            Results.Ok(await datasets.ListIngestionsAsync(dataset, status, Math.Clamp(limit, 1, 1000), ct))).WithSummary("Ingestions, newest first");
        app.MapPost("/api/ingestions/{id}/retry", RetryAsync).RequireApiKey().WithSummary("Ingest a failed ingestion's file again, as a new ingestion");
        app.MapGet("/api/ingestions/{id}", async (string id, DatasetStore datasets, CancellationToken ct) =>
            await datasets.GetIngestionAsync(id, ct) is { } found ? Results.Ok(found) : NotFound($"There is no ingestion '{id}'.")).WithSummary("One ingestion and its report");
    }

    private static async Task<IResult> GetVersionAsync(string name, int version, DatasetStore datasets, CancellationToken cancellationToken) =>
        await datasets.GetVersionAsync(name, version, cancellationToken) is { } found ? Results.Ok(found) : NotFound($"Dataset '{name}' has no version {version}.");

    private static async Task<IResult> DownloadAsync(string name, int version, DatasetStore datasets, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var found = await datasets.GetVersionAsync(name, version, cancellationToken);
        var content = found is null ? null : await artifacts.OpenReadAsync(found.DataPath, cancellationToken);
        return content is null
            ? NotFound($"Dataset '{name}' has no version {version}.")
            : Results.Stream(content, "text/csv", $"{name}-v{version}.csv");
    }

    private static async Task<IResult> DiffAsync(string name, int from, int to, DatasetStore datasets, CancellationToken cancellationToken)
    {
        var before = await datasets.GetVersionAsync(name, from, cancellationToken);
        var after = await datasets.GetVersionAsync(name, to, cancellationToken);
        if (before is null || after is null)
        {
            return NotFound($"Dataset '{name}' has no version {(before is null ? from : to)}.");
        }

        return Results.Ok(DatasetDiff.Between(name,
            from, before.Schema.Deserialize<DatasetSchema>(Json)!, before.Profile.Deserialize<DatasetProfile>(Json)!,
            to, after.Schema.Deserialize<DatasetSchema>(Json)!, after.Profile.Deserialize<DatasetProfile>(Json)!));
    }

    private static async Task<IResult> IngestAsync(string name, HttpRequest request, PlatformOptions platform, IngestionTrigger trigger, CancellationToken cancellationToken)
    {
        if (!PipelineNames.IsValid(name))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid dataset name",
                detail: $"Dataset name '{name}' is invalid: it must match {PipelineNames.Pattern} and be at most {PipelineNames.MaxLength} characters.");
        }

        // The upload is kept as a file of its own, named by its content's hash, so the same upload twice is one ingestion.
        var uploads = Path.Combine(platform.DataDirectory, "uploads", name);
        Directory.CreateDirectory(uploads);
        var temporary = Path.Combine(uploads, $".upload-{Guid.NewGuid():N}");
        string hash;
        try
        {
            await using (var file = File.Create(temporary))
            using (var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            }
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        var path = Path.Combine(uploads, $"{hash[..16]}.csv");
        File.Move(temporary, path, overwrite: true);
        var (ingestionId, _) = await trigger.HandOverAsync($"upload:{name}:{hash}", name, SourceKind.File, path, null, "http", cancellationToken);
        var status = $"{RunEndpoints.BaseUri(request)}/api/ingestions/{ingestionId}";
        return Results.Accepted(status, new { ingestionId, statusQueryGetUri = status });
    }

    private static async Task<IResult> RetryAsync(string id, HttpRequest request, IngestionTrigger trigger, CancellationToken cancellationToken)
    {
        try
        {
            var retryId = await trigger.RetryAsync(id, cancellationToken);
            if (retryId is null)
            {
                return NotFound($"There is no ingestion '{id}'.");
            }

            var status = $"{RunEndpoints.BaseUri(request)}/api/ingestions/{retryId}";
            return Results.Accepted(status, new { ingestionId = retryId, statusQueryGetUri = status });
        }
        catch (InvalidOperationException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not a failed ingestion", detail: ex.Message);
        }
    }

    private static IResult NotFound(string detail) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);
}
