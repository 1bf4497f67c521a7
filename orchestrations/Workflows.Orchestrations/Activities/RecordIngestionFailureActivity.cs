using Workflows.Durable;
using Workflows.Orchestrations.Datasets;

namespace Workflows.Orchestrations.Activities;

/// <summary>An ingestion that failed for a reason other than its data.</summary>
public sealed record IngestionFailure(string IngestionId, string Error);

/// <summary>Marks an ingestion failed with its error; its file is kept where it was.</summary>
public sealed class RecordIngestionFailureActivity(DatasetStore datasets) : TaskActivity<IngestionFailure, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, IngestionFailure input)
    {
        await datasets.FinishIngestionAsync(input.IngestionId, IngestionStatus.Failed, null, null, null, input.Error, context.CancellationToken).ConfigureAwait(false);
        return true;
    }
}
