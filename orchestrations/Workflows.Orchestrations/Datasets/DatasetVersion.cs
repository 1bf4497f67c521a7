using System.Text.Json;

namespace Workflows.Orchestrations.Datasets;

/// <summary>An immutable, registered version of a dataset, addressed by the SHA-256 of its canonical content.</summary>
/// <param name="Dataset">The dataset's name.</param>
/// <param name="Version">1, 2, ... in registration order.</param>
/// <param name="ContentSha256">Lower-case hex SHA-256 of the canonical CSV.</param>
/// <param name="RowCount">Data rows.</param>
/// <param name="SourceBytes">Size of the file it was ingested from.</param>
/// <param name="CanonicalBytes">Size of the canonical CSV.</param>
/// <param name="DataPath">The canonical CSV's path in the artifact store.</param>
/// <param name="Schema">The schema (a DatasetSchema), as stored.</param>
/// <param name="Profile">Per-column statistics (a DatasetProfile), as stored.</param>
/// <param name="Report">The validation report it passed with, warnings included.</param>
/// <param name="Lineage">Where it came from.</param>
/// <param name="CreatedAt">When it was registered.</param>
public sealed record DatasetVersion(
    string Dataset,
    int Version,
    string ContentSha256,
    long RowCount,
    long SourceBytes,
    long CanonicalBytes,
    string DataPath,
    JsonElement Schema,
    JsonElement Profile,
    JsonElement Report,
    DatasetLineage Lineage,
    DateTimeOffset CreatedAt);

/// <summary>Where a dataset version came from.</summary>
/// <param name="Source">The file or blob it was ingested from.</param>
/// <param name="Trigger">What started the ingestion (<c>drop</c>, <c>blob</c>, <c>http</c>, <c>cli</c>).</param>
/// <param name="ParentVersion">The dataset's latest version when this one was registered; null for the first.</param>
/// <param name="IngestionId">The ingestion that registered it.</param>
public sealed record DatasetLineage(string Source, string Trigger, int? ParentVersion, string? IngestionId);
