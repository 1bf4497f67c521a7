using System.Text.Json;
using Workflows.Durable;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Activities;

/// <summary>
/// Parses a dropped file against the definition of its dataset, computes its statistics and applies the rules.
/// Everything it learns goes to <c>staging/&lt;ingestion&gt;/</c> in the artifact store for the next step.
/// </summary>
public sealed class InspectSourceActivity(PipelineDirectory pipelines, DatasetStore datasets, IArtifactStore artifacts, IngestionSources sources, PlatformOptions options)
    : TaskActivity<IngestionRequest, InspectionOutcome>
{
    public override async Task<InspectionOutcome> RunAsync(TaskActivityContext context, IngestionRequest input)
    {
        var cancellationToken = context.CancellationToken;
        var staging = StagingPath(input.IngestionId);
        var work = WorkDirectories.ForAttempt(options, input.IngestionId);
        Directory.CreateDirectory(work);
        try
        {
            var definition = pipelines.Pipelines.FirstOrDefault(p => string.Equals(p.Dataset.Name, input.Dataset, StringComparison.OrdinalIgnoreCase));
            if (definition is null)
            {
                var report = new ValidationReport(input.Location, false, [new ValidationFinding("dataset-defined", FindingSeverity.Error, null, [], 0,
                    $"No pipeline defines dataset '{input.Dataset}'. Defined datasets: {string.Join(", ", pipelines.Pipelines.Select(p => p.Dataset.Name).Distinct().DefaultIfEmpty("(none)"))}.")]);
                await artifacts.PutAsync(staging + "report.json", report, cancellationToken).ConfigureAwait(false);
                return new InspectionOutcome(false, staging, null, 1, 0, report.Findings[0].Message);
            }

            var local = await sources.GetLocalFileAsync(input, work, cancellationToken).ConfigureAwait(false);
            var previous = await datasets.GetVersionAsync(definition.Dataset.Name, null, cancellationToken).ConfigureAwait(false);
            var canonical = Path.Combine(work, "data.csv");
            var inspection = await DatasetInspector.InspectAsync(local, definition.Dataset, definition.Validation,
                previous?.Profile.Deserialize<DatasetProfile>(ArtifactJson.Options), canonical, cancellationToken).ConfigureAwait(false);

            await artifacts.PutAsync(staging + "report.json", inspection.Report, cancellationToken).ConfigureAwait(false);
            var errors = inspection.Report.Findings.Count(f => f.Severity == FindingSeverity.Error);
            var warnings = inspection.Report.Findings.Count - errors;
            if (!inspection.Passed)
            {
                return new InspectionOutcome(false, staging, null, errors, warnings,
                    $"{input.Location}: {errors} error(s), {warnings} warning(s); first: {inspection.Report.Findings.FirstOrDefault(f => f.Severity == FindingSeverity.Error)?.Message}");
            }

            await artifacts.MoveFileAsync(staging + "data.csv", canonical, cancellationToken).ConfigureAwait(false);
            await artifacts.PutAsync(staging + "schema.json", inspection.Schema, cancellationToken).ConfigureAwait(false);
            await artifacts.PutAsync(staging + "profile.json", inspection.Profile, cancellationToken).ConfigureAwait(false);
            return new InspectionOutcome(true, staging, inspection.ContentSha256, 0, warnings,
                $"{inspection.RowCount} rows, {inspection.Schema!.Columns.Count} columns, {warnings} warning(s)",
                inspection.RowCount, inspection.SourceBytes, inspection.CanonicalBytes);
        }
        finally
        {
            WorkDirectories.Delete(work);
        }
    }

    /// <summary>Where an ingestion's inspection outputs wait.</summary>
    public static string StagingPath(string ingestionId) => $"staging/{ingestionId}/";
}
