using System.Security.Cryptography;
using System.Text;
using Workflows.Durable;
using Workflows.Orchestrations.Activities;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Platform;

namespace Workflows.Functions.Triggers;

/// <summary>
/// Hands a file over to an Ingestion exactly once. The file's source key (where it is, and its size and time or
/// ETag) is claimed in the database, and the ingestion's instance id is derived from the key. The instance is
/// scheduled by the caller that inserted the claim, or later for a claim still running whose instance does not
/// exist: a host that died between claim and schedule is covered by the next scan, by any host. An ended
/// ingestion is never started again, even after its instance was purged.
/// </summary>
public sealed class IngestionTrigger(DatasetStore datasets, DurableTaskClient client, PlatformOptions options)
{
    /// <summary>The trigger name of blob drops.</summary>
    public const string BlobTrigger = "blob";

    /// <summary>Starts the ingestion of a source unless it was handed over before; returns its ingestion id.</summary>
    /// <exception cref="ArgumentException">The dataset name is not a valid name.</exception>
    public async Task<(string IngestionId, bool Started)> HandOverAsync(
        string sourceKey, string dataset, SourceKind kind, string location, string? sourceVersion, string trigger, CancellationToken cancellationToken)
    {
        PipelineNames.Require(dataset, "Dataset");
        var ingestionId = IngestionId(sourceKey);
        var claimed = await datasets.TryClaimAsync(ingestionId, sourceKey, dataset, location, trigger, cancellationToken).ConfigureAwait(false);
        if (!claimed && (await datasets.GetIngestionAsync(ingestionId, cancellationToken).ConfigureAwait(false) is not { Status: IngestionStatus.Running }
            || await client.GetInstanceAsync(ingestionId, cancellationToken: cancellationToken).ConfigureAwait(false) is not null))
        {
            return (ingestionId, false);
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(IngestionOrchestrator), new IngestionRequest(ingestionId, dataset, kind, location, trigger, sourceVersion),
                new StartOrchestrationOptions(ingestionId), cancellationToken).ConfigureAwait(false);
            return (ingestionId, true);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return (ingestionId, false);
        }
    }

    /// <summary>
    /// Starts a failed ingestion again, as a new ingestion of the same file: from where the failed one kept it (its
    /// claimed copy, or the drop), under a new source key. Returns null when there is no such ingestion.
    /// </summary>
    /// <exception cref="InvalidOperationException">The ingestion has not failed: it runs, or it ended with an outcome.</exception>
    public async Task<string?> RetryAsync(string ingestionId, CancellationToken cancellationToken)
    {
        if (await datasets.GetIngestionAsync(ingestionId, cancellationToken).ConfigureAwait(false) is not { } failed)
        {
            return null;
        }

        if (failed.Status != IngestionStatus.Failed)
        {
            throw new InvalidOperationException($"Ingestion '{ingestionId}' is {failed.Status}; only a failed ingestion can be retried.");
        }

        var kind = failed.Trigger == BlobTrigger ? SourceKind.Blob : SourceKind.File;
        var claimed = IngestionSources.ClaimedPath(options, ingestionId, failed.Source);
        var location = kind == SourceKind.File && File.Exists(claimed) ? claimed : failed.Source;
        var (retryId, _) = await HandOverAsync($"{failed.SourceKey}:retry-of:{ingestionId}", failed.Dataset, kind, location, null, failed.Trigger, cancellationToken).ConfigureAwait(false);
        return retryId;
    }

    /// <summary>The ingestion id of a source key: stable, short, safe in paths.</summary>
    public static string IngestionId(string sourceKey) => "ingest-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sourceKey)))[..20];
}
