using System.Text.Json;
using Workflows.Durable;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Activities;

/// <summary>The input of <see cref="QuarantineSourceActivity"/>.</summary>
public sealed record QuarantineInput(IngestionRequest Request, InspectionOutcome Inspection);

/// <summary>
/// Moves a file that failed inspection to <c>quarantine/&lt;dataset&gt;/&lt;ingestion&gt;/</c> with its report (JSON for
/// machines, text for people). The file is copied before it leaves the drop, so it is never lost.
/// </summary>
public sealed class QuarantineSourceActivity(DatasetStore datasets, IArtifactStore artifacts, IngestionSources sources, PlatformOptions options)
    : TaskActivity<QuarantineInput, IngestionResult>
{
    public override async Task<IngestionResult> RunAsync(TaskActivityContext context, QuarantineInput input)
    {
        var cancellationToken = context.CancellationToken;
        var (request, inspection) = input;
        var quarantine = $"quarantine/{request.Dataset}/{request.IngestionId}/";
        // A file name the artifact store cannot hold (a backslash, a control character) is kept under a plain one; the report names the original.
        var name = Path.GetFileName(request.Location);
        var copy = quarantine + (ArtifactPath.IsValidSegment(name) ? name : "source" + (ArtifactPath.IsValidSegment(Path.GetExtension(name)) ? Path.GetExtension(name) : ""));
        if (await sources.ExistsAsync(request, cancellationToken).ConfigureAwait(false))
        {
            var work = WorkDirectories.ForAttempt(options, request.IngestionId);
            try
            {
                await artifacts.PutFileAsync(copy, await sources.GetLocalFileAsync(request, work, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                WorkDirectories.Delete(work);
            }
        }
        else if (await artifacts.GetInfoAsync(copy, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new FileNotFoundException($"{request.Location} left the drop before it was quarantined, and no copy of it is in {artifacts.Describe(quarantine.TrimEnd('/'))}.");
        }

        // A retried attempt may find staging cleared by the one before: the report is in quarantine by then.
        var reportPath = await artifacts.GetInfoAsync(inspection.StagingPath + "report.json", cancellationToken).ConfigureAwait(false) is null
            ? quarantine + "report.json" : inspection.StagingPath + "report.json";
        var reportJson = await artifacts.ReadTextAsync(reportPath, cancellationToken).ConfigureAwait(false);
        var report = JsonSerializer.Deserialize<ValidationReport>(reportJson, ArtifactJson.Options)!;
        await artifacts.PutAsync(quarantine + "report.json", report, cancellationToken).ConfigureAwait(false);
        using (var text = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(report.ToText())))
        {
            await artifacts.PutAsync(quarantine + "report.txt", text, cancellationToken).ConfigureAwait(false);
        }

        await datasets.FinishIngestionAsync(request.IngestionId, IngestionStatus.Quarantined, null, artifacts.Describe(quarantine.TrimEnd('/')), reportJson, null, cancellationToken).ConfigureAwait(false);
        await sources.DeleteFromDropAsync(request, cancellationToken).ConfigureAwait(false);
        await artifacts.DeleteAsync(inspection.StagingPath + "report.json", cancellationToken).ConfigureAwait(false);
        return new IngestionResult("Quarantined", request.Dataset, null, false, artifacts.Describe(quarantine.TrimEnd('/')), [], $"Quarantined {request.Location}: {inspection.Summary}");
    }
}
