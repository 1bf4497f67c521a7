using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Registry;

namespace Workflows.Functions.Api;

/// <summary>
/// The model registry over HTTP: models, versions (by number or alias), their evaluation reports, comparisons,
/// downloads, alias moves with history, promotion of a staged candidate and rollback. Moves need an API key.
/// </summary>
public static class ModelEndpoints
{
    public static void MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models", ListAsync).WithSummary("Pipelines with registered models, their version counts and aliases");
        app.MapGet("/api/models/{name}", GetAsync).WithSummary("A model's aliases and versions, newest first");
        app.MapGet("/api/models/{name}/versions/{version}", GetVersionAsync).WithSummary("A version (a number or an alias): metrics, lineage, gate decision");
        app.MapGet("/api/models/{name}/versions/{version}/evaluation", EvaluationAsync).WithSummary("A version's evaluation report on its test split, beside production's");
        app.MapGet("/api/models/{name}/versions/{version}/download", DownloadAsync).WithSummary("A version's ONNX file");
        app.MapGet("/api/models/{name}/compare", CompareAsync).WithSummary("Two versions' metrics and lineage side by side (?a=1&b=2)");
        app.MapGet("/api/models/{name}/aliases/history", async (string name, ModelRegistry registry, CancellationToken ct, string? alias = null) =>
            Results.Ok(await registry.HistoryAsync(name, alias, ct))).WithSummary("Every alias move, newest first");
        app.MapPut("/api/models/{name}/aliases/{alias}", SetAliasAsync).RequireApiKey().WithSummary("Point an alias at a version (a candidate may be a canary or a shadow)");
        app.MapDelete("/api/models/{name}/aliases/{alias}", RemoveAliasAsync).RequireApiKey().WithSummary("Remove an alias (for the candidate: end a canary or shadow)");
        app.MapPost("/api/models/{name}/promote", PromoteAsync).RequireApiKey().WithSummary("Make the candidate production now");
        app.MapPost("/api/models/{name}/rollback", RollbackAsync).RequireApiKey().WithSummary("Move production back to the version before it, or to a named one");
    }

    private static async Task<IResult> ListAsync(ModelRegistry registry, CancellationToken cancellationToken)
    {
        var aliases = (await registry.AliasesAsync(null, cancellationToken)).ToLookup(a => a.Pipeline);
        return Results.Ok((await registry.ListModelsAsync(cancellationToken)).Select(m => new ModelSummary(m.Pipeline, m.Versions, m.LatestVersion, [.. aliases[m.Pipeline]])));
    }

    private static async Task<IResult> GetAsync(string name, ModelRegistry registry, CancellationToken cancellationToken)
    {
        var versions = await registry.ListAsync(name, cancellationToken);
        return versions.Count == 0
            ? NotFound($"Model '{name}' has no versions: a run of pipeline '{name}' registers one when it evaluates a trained model.")
            : Results.Ok(new ModelDetail(name, await registry.AliasesAsync(name, cancellationToken), versions));
    }

    private static async Task<IResult> GetVersionAsync(string name, string version, ModelRegistry registry, CancellationToken cancellationToken) =>
        await registry.FindAsync(name, version, cancellationToken) is { } found ? Results.Ok(found) : UnknownVersion(name, version);

    private static async Task<IResult> EvaluationAsync(string name, string version, ModelRegistry registry, IArtifactStore artifacts, CancellationToken cancellationToken) =>
        await StreamAsync(name, version, v => v.EvaluationPath, "application/json", null, registry, artifacts, cancellationToken);

    private static async Task<IResult> DownloadAsync(string name, string version, ModelRegistry registry, IArtifactStore artifacts, CancellationToken cancellationToken) =>
        await StreamAsync(name, version, v => v.ModelPath, "application/octet-stream", v => $"{name}-v{v.Version}.onnx", registry, artifacts, cancellationToken);

    private static async Task<IResult> StreamAsync(string name, string version, Func<ModelVersion, string> path, string contentType, Func<ModelVersion, string>? fileName,
        ModelRegistry registry, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var found = await registry.FindAsync(name, version, cancellationToken);
        if (found is null)
        {
            return UnknownVersion(name, version);
        }

        var content = await artifacts.OpenReadAsync(path(found), cancellationToken);
        return content is null
            ? Results.Problem(statusCode: StatusCodes.Status410Gone, title: "Artifact missing", detail: $"{artifacts.Describe(path(found))} of {name} v{found.Version} is gone from the artifact store.")
            : Results.Stream(content, contentType, fileName?.Invoke(found));
    }

    private static async Task<IResult> CompareAsync(string name, string a, string b, ModelRegistry registry, CancellationToken cancellationToken)
    {
        var first = await registry.FindAsync(name, a, cancellationToken);
        var second = await registry.FindAsync(name, b, cancellationToken);
        if (first is null || second is null)
        {
            return UnknownVersion(name, first is null ? a : b);
        }

        var metrics = first.Metrics.Keys.Union(second.Metrics.Keys).Order(StringComparer.Ordinal).Select(metric =>
        {
            var (x, y) = (first.Metrics.GetValueOrDefault(metric), second.Metrics.GetValueOrDefault(metric));
            var delta = y - x;
            var better = delta is not { } d ? null : d == 0 ? "same" : (d > 0) != KnownMetrics.LowerIsBetter(metric) ? "b" : "a";
            return new MetricComparison(metric, x, y, delta, better);
        });
        return Results.Ok(new ModelComparison(name, first.Version, second.Version, [.. metrics], LineageDifferences(first.Lineage, second.Lineage)));
    }

    private static List<LineageDifference> LineageDifferences(ModelLineage a, ModelLineage b)
    {
        var differences = new List<LineageDifference>();
        void Compare(string field, object? x, object? y)
        {
            var (left, right) = (Text(x), Text(y));
            if (left != right)
            {
                differences.Add(new LineageDifference(field, left, right));
            }
        }

        Compare("run", a.RunId, b.RunId);
        Compare("datasetVersion", a.DatasetVersion, b.DatasetVersion);
        Compare("datasetSha256", a.DatasetSha256, b.DatasetSha256);
        Compare("trainer", a.Trainer, b.Trainer);
        foreach (var key in a.Hyperparameters.Keys.Union(b.Hyperparameters.Keys).Order(StringComparer.Ordinal))
        {
            Compare($"hyperparameters.{key}", a.Hyperparameters.TryGetValue(key, out var x) ? x.GetRawText() : null, b.Hyperparameters.TryGetValue(key, out var y) ? y.GetRawText() : null);
        }

        Compare("device", a.Device, b.Device);
        Compare("epochsRun", a.EpochsRun, b.EpochsRun);
        return differences;

        static string? Text(object? value) => value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
    }

    private static async Task<IResult> SetAliasAsync(string name, string alias, SetAliasBody body, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (!ModelAliases.IsValid(alias))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid alias",
                detail: $"'{alias}' is not a valid alias: use lower-case letters, digits and '-', starting with a letter (at most 40).");
        }

        var candidate = alias == ModelAliases.Candidate;
        var shadow = body.Shadow ?? false;
        var traffic = body.TrafficPercent ?? (candidate ? 0 : 100);
        if (traffic is < 0 or > 100 || (!candidate && (shadow || traffic != 100)) || (shadow && traffic != 0))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid routing",
                detail: "trafficPercent (0-100) and shadow apply to the candidate alias only, and a shadow answers no traffic (trafficPercent 0).");
        }

        if (await registry.GetAsync(name, body.Version, cancellationToken) is null)
        {
            return UnknownVersion(name, body.Version.ToString(CultureInfo.InvariantCulture));
        }

        var change = await registry.SetAliasAsync(name, alias, body.Version, body.Reason ?? "set by hand", null, cancellationToken, traffic, shadow);
        return Results.Ok(change);
    }

    private static async Task<IResult> RemoveAliasAsync(string name, string alias, ModelRegistry registry, CancellationToken cancellationToken, string? reason = null) =>
        await registry.RemoveAliasAsync(name, alias, reason ?? "removed by hand", null, cancellationToken) is { } change
            ? Results.Ok(change)
            : NotFound($"Model '{name}' has no alias '{alias}'.");

    private static async Task<IResult> PromoteAsync(string name, ModelRegistry registry, CancellationToken cancellationToken, string? reason = null)
    {
        if (await registry.FindAsync(name, ModelAliases.Candidate, cancellationToken) is not { } candidate)
        {
            return NotFound($"Model '{name}' has no candidate to promote.");
        }

        return await registry.PromoteCandidateAsync(name, candidate.Version, reason ?? "promoted by hand", null, cancellationToken) is { } change
            ? Results.Ok(change)
            : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Candidate moved", detail: $"The candidate of '{name}' moved while it was being promoted; look again.");
    }

    private static async Task<IResult> RollbackAsync(string name, RollbackBody? body, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (body?.Version is { } version && await registry.GetAsync(name, version, cancellationToken) is null)
        {
            return UnknownVersion(name, version.ToString(CultureInfo.InvariantCulture));
        }

        try
        {
            return Results.Ok(await registry.RollbackAsync(name, body?.Version, body?.Reason ?? "rolled back by hand", cancellationToken));
        }
        catch (RegistryException refused)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing to roll back to", detail: refused.Message);
        }
    }

    private static IResult UnknownVersion(string name, string version) =>
        NotFound(int.TryParse(version, out _) ? $"Model '{name}' has no version {version}." : $"Model '{name}' has no version named '{version}' (no such alias).");

    private static IResult NotFound(string detail) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);
}
