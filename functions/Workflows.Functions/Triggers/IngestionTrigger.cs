using System.Security.Cryptography;
using System.Text;
using Workflows.Durable;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Functions.Triggers;

/// <summary>
/// Hands a file over to an Ingestion exactly once. The file's source key (where it is, and its size and time or
/// ETag) is claimed in the database; the ingestion's instance id is derived from the key, and the instance is
/// scheduled only if it does not exist. A host that died between claim and schedule is covered by the next scan,
/// by any host: the claim exists, the instance does not, so it is scheduled then.
/// </summary>
public sealed class IngestionTrigger(DatasetStore datasets, DurableTaskClient client)
{
    /// <summary>Starts the ingestion of a source unless it was handed over before; returns its ingestion id.</summary>
    /// <exception cref="ArgumentException">The dataset name is not a valid name.</exception>
    public async Task<(string IngestionId, bool Started)> HandOverAsync(string sourceKey, string dataset, SourceKind kind, string location, string trigger, CancellationToken cancellationToken)
    {
        PipelineNames.Require(dataset, "Dataset");
        var ingestionId = IngestionId(sourceKey);
        await datasets.TryClaimAsync(ingestionId, sourceKey, dataset, location, trigger, cancellationToken).ConfigureAwait(false);
        if (await client.GetInstanceAsync(ingestionId, cancellationToken: cancellationToken).ConfigureAwait(false) is not null)
        {
            return (ingestionId, false);
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(IngestionOrchestrator), new IngestionRequest(ingestionId, dataset, kind, location, trigger),
                new StartOrchestrationOptions(ingestionId), cancellationToken).ConfigureAwait(false);
            return (ingestionId, true);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return (ingestionId, false);
        }
    }

    /// <summary>The ingestion id of a source key: stable, short, safe in paths.</summary>
    public static string IngestionId(string sourceKey) => "ingest-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sourceKey)))[..20];
}
