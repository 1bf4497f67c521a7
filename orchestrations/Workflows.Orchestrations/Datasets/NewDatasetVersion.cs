namespace Workflows.Orchestrations.Datasets;

/// <summary>A validated dataset version to register; its canonical CSV is already in the artifact store.</summary>
/// <param name="Dataset">The dataset's name.</param>
/// <param name="ContentSha256">Lower-case hex SHA-256 of the canonical CSV.</param>
/// <param name="RowCount">Data rows.</param>
/// <param name="SourceBytes">Size of the source file.</param>
/// <param name="CanonicalBytes">Size of the canonical CSV.</param>
/// <param name="DataPath">The canonical CSV's path in the artifact store.</param>
/// <param name="SchemaJson">The schema, as JSON.</param>
/// <param name="ProfileJson">The statistics, as JSON.</param>
/// <param name="ReportJson">The validation report, as JSON.</param>
/// <param name="Source">The file or blob it came from.</param>
/// <param name="Trigger">What started the ingestion.</param>
/// <param name="IngestionId">The ingestion registering it.</param>
public sealed record NewDatasetVersion(
    string Dataset,
    string ContentSha256,
    long RowCount,
    long SourceBytes,
    long CanonicalBytes,
    string DataPath,
    string SchemaJson,
    string ProfileJson,
    string ReportJson,
    string Source,
    string Trigger,
    string IngestionId);
