using System.Text.Json;

namespace Workflows.Orchestrations.Datasets;

/// <summary>How an ingestion ended, or that it has not yet.</summary>
public enum IngestionStatus
{
    /// <summary>Claimed; the ingestion orchestration runs or is about to.</summary>
    Running,

    /// <summary>Registered a new version, or found its content already registered.</summary>
    Registered,

    /// <summary>The file failed validation and was moved to quarantine with its report.</summary>
    Quarantined,

    /// <summary>An error that was not the data's fault (storage, database); the file is kept (in the drop, or in <c>claimed/&lt;ingestion&gt;/</c> once inspection began).</summary>
    Failed,
}

/// <summary>One file or blob a trigger handed over for ingestion, claimed exactly once by its source key.</summary>
/// <param name="IngestionId">Also the id of the ingestion orchestration instance.</param>
/// <param name="SourceKey">What identifies the file's content at its source (path, size, modification time or ETag).</param>
/// <param name="Dataset">The dataset it is a version of.</param>
/// <param name="Source">The file or blob, for people.</param>
/// <param name="Trigger"><c>drop</c>, <c>blob</c>, <c>http</c> or <c>cli</c>.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Version">The dataset version it registered or matched.</param>
/// <param name="Quarantine">Where a rejected file and its report were put.</param>
/// <param name="Report">The validation report.</param>
/// <param name="Error">Why it failed, when <paramref name="Status"/> is <see cref="IngestionStatus.Failed"/>.</param>
/// <param name="CreatedAt">When it was claimed.</param>
/// <param name="FinishedAt">When it ended.</param>
public sealed record IngestionRecord(
    string IngestionId,
    string SourceKey,
    string Dataset,
    string Source,
    string Trigger,
    IngestionStatus Status,
    int? Version,
    string? Quarantine,
    JsonElement? Report,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt);
