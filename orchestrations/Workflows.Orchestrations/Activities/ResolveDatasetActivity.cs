using Workflows.Durable;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Activities;

/// <summary>The input of <see cref="ResolveDatasetActivity"/>.</summary>
public sealed record ResolveDatasetInput(string Pipeline, int? Version);

/// <summary>Finds the dataset version a run trains on: the one asked for, or the latest.</summary>
public sealed class ResolveDatasetActivity(PipelineDirectory pipelines, DatasetStore datasets) : TaskActivity<ResolveDatasetInput, DatasetRef>
{
    public override async Task<DatasetRef> RunAsync(TaskActivityContext context, ResolveDatasetInput input)
    {
        var pipeline = pipelines.Find(input.Pipeline) ?? throw new PipelineInputException($"Pipeline '{input.Pipeline}' is no longer defined.");
        var name = pipeline.Dataset.Name;
        var version = await datasets.GetVersionAsync(name, input.Version, context.CancellationToken).ConfigureAwait(false);
        if (version is null)
        {
            var latest = await datasets.GetVersionAsync(name, null, context.CancellationToken).ConfigureAwait(false);
            throw new PipelineInputException(latest is null
                ? $"Dataset '{name}' has no versions yet: drop a CSV file into drop/{name}/ in the data directory, or run `wf ingest FILE --dataset {name}`."
                : $"Dataset '{name}' has no version {input.Version}; the latest is {latest.Version}.");
        }

        return new DatasetRef(version.Dataset, version.Version, version.ContentSha256, version.DataPath, version.RowCount);
    }
}
