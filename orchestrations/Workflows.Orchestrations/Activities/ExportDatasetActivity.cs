using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Workflows.Durable;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Platform;

namespace Workflows.Orchestrations.Activities;

/// <summary>
/// Writes the training-ready export of a dataset version for a pipeline (the split, NumPy arrays and manifest) to
/// <c>exports/&lt;dataset&gt;/v&lt;version&gt;/&lt;key&gt;/</c>. The key hashes everything the export depends on, so an
/// export is made once and reused by every run that would make the same one.
/// </summary>
public sealed class ExportDatasetActivity(PipelineDirectory pipelines, DatasetStore datasets, IArtifactStore artifacts, PlatformOptions options)
    : TaskActivity<PipelineDatasetInput, ExportRef>
{
    private const string ManifestFile = "manifest.json";

    public override async Task<ExportRef> RunAsync(TaskActivityContext context, PipelineDatasetInput input)
    {
        var cancellationToken = context.CancellationToken;
        var pipeline = pipelines.Find(input.Pipeline) ?? throw new PipelineInputException($"Pipeline '{input.Pipeline}' is no longer defined.");
        var version = await datasets.GetVersionAsync(input.Dataset.Dataset, input.Dataset.Version, cancellationToken).ConfigureAwait(false)
            ?? throw new PipelineInputException($"Dataset '{input.Dataset.Dataset}' v{input.Dataset.Version} is gone.");
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            JsonSerializer.Serialize(new { version.ContentSha256, pipeline.Dataset, pipeline.Split }, ArtifactJson.Options))))[..16];
        var home = $"exports/{version.Dataset}/v{version.Version}/{key}/";
        if (await artifacts.GetInfoAsync(home + ManifestFile, cancellationToken).ConfigureAwait(false) is not null)
        {
            var existing = JsonSerializer.Deserialize<ExportManifest>(await artifacts.ReadTextAsync(home + ManifestFile, cancellationToken).ConfigureAwait(false), ArtifactJson.Options)!;
            return ToRef(home, existing);
        }

        var work = WorkDirectories.ForAttempt(options, context.InstanceId + "-export-" + key);
        try
        {
            var csv = await artifacts.GetFileAsync(version.DataPath, Path.Combine(work, "data.csv"), cancellationToken).ConfigureAwait(false);

            var output = Path.Combine(work, "export");
            var manifest = await DatasetExporter.ExportAsync(csv, version.Schema.Deserialize<DatasetSchema>(ArtifactJson.Options)!, pipeline.Dataset, pipeline.Split, output, cancellationToken).ConfigureAwait(false);
            // The manifest goes last: its presence says the export is complete.
            foreach (var file in Directory.GetFiles(output).Where(f => Path.GetFileName(f) != ManifestFile))
            {
                await artifacts.MoveFileAsync(home + Path.GetFileName(file), file, cancellationToken).ConfigureAwait(false);
            }

            await artifacts.MoveFileAsync(home + ManifestFile, Path.Combine(output, ManifestFile), cancellationToken).ConfigureAwait(false);
            return ToRef(home, manifest);
        }
        finally
        {
            WorkDirectories.Delete(work);
        }
    }

    private static ExportRef ToRef(string home, ExportManifest manifest) =>
        new(home, manifest.Rows.Train, manifest.Rows.Validation, manifest.Rows.Test, manifest.FeatureCount, manifest.ClassLabels);
}
