using Workflows.Durable;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Orchestrators;

namespace Workflows.Orchestrations.Activities;

/// <summary>The input of <see cref="RegisterVersionActivity"/>.</summary>
public sealed record RegisterInput(IngestionRequest Request, InspectionOutcome Inspection);

/// <summary>
/// Moves a passed inspection's canonical content to its content address (<c>datasets/&lt;name&gt;/&lt;sha256&gt;/</c>) and
/// registers the version; the same content twice is one version. Run again after a crash, it finds its own work done.
/// </summary>
public sealed class RegisterVersionActivity(DatasetStore datasets, IArtifactStore artifacts, IngestionSources sources) : TaskActivity<RegisterInput, IngestionResult>
{
    public override async Task<IngestionResult> RunAsync(TaskActivityContext context, RegisterInput input)
    {
        var cancellationToken = context.CancellationToken;
        var (request, inspection) = input;
        var staging = inspection.StagingPath;
        var home = $"datasets/{request.Dataset}/{inspection.ContentSha256}/";
        foreach (var file in new[] { "data.csv", "schema.json", "profile.json", "report.json" })
        {
            // Content-addressed: an object already at home holds the same bytes.
            if (await artifacts.GetInfoAsync(home + file, cancellationToken).ConfigureAwait(false) is null)
            {
                await artifacts.CopyAsync(staging + file, home + file, cancellationToken).ConfigureAwait(false);
            }
        }

        var (version, _) = await datasets.RegisterAsync(new NewDatasetVersion(
            request.Dataset, inspection.ContentSha256!, inspection.RowCount, inspection.SourceBytes, inspection.CanonicalBytes, home + "data.csv",
            await artifacts.ReadTextAsync(home + "schema.json", cancellationToken).ConfigureAwait(false),
            await artifacts.ReadTextAsync(home + "profile.json", cancellationToken).ConfigureAwait(false),
            await artifacts.ReadTextAsync(home + "report.json", cancellationToken).ConfigureAwait(false),
            request.Location, request.Trigger, request.IngestionId), cancellationToken).ConfigureAwait(false);

        await datasets.FinishIngestionAsync(request.IngestionId, IngestionStatus.Registered, version.Version, null,
            version.Report.GetRawText(), null, cancellationToken).ConfigureAwait(false);
        await sources.RemoveFromDropAsync(request, cancellationToken).ConfigureAwait(false);
        // Registered by this ingestion, also when this is a retry of an attempt that registered it and then died.
        var created = version.Lineage.IngestionId == request.IngestionId;
        await foreach (var staged in artifacts.ListAsync(staging, cancellationToken).ConfigureAwait(false))
        {
            await artifacts.DeleteAsync(staged.Path, cancellationToken).ConfigureAwait(false);
        }

        var summary = created
            ? $"Registered {request.Dataset} v{version.Version} ({version.RowCount} rows, sha256 {version.ContentSha256[..12]}) from {request.Location}"
            : $"{request.Location} has the same content as {request.Dataset} v{version.Version}: nothing new registered";
        return new IngestionResult("Registered", request.Dataset, version.Version, created, null, [], summary);
    }
}
