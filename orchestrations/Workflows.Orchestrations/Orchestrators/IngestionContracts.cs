namespace Workflows.Orchestrations.Orchestrators;

/// <summary>Where a file to ingest is.</summary>
public enum SourceKind
{
    /// <summary>A local file (the drop folder, or a file handed to the CLI or an HTTP upload).</summary>
    File,

    /// <summary>A blob in the drop container.</summary>
    Blob,
}

/// <summary>The input of an Ingestion.</summary>
/// <param name="IngestionId">The claim's id, also the instance id.</param>
/// <param name="Dataset">The dataset the file is a version of.</param>
/// <param name="Kind">Where the file is.</param>
/// <param name="Location">Its absolute path, or its path in the drop container.</param>
/// <param name="Trigger">What found it: <c>drop</c>, <c>blob</c>, <c>http</c>, <c>cli</c>.</param>
/// <param name="SourceVersion">The blob's entity tag when it was handed over: only that version is deleted from the drop.</param>
public sealed record IngestionRequest(string IngestionId, string Dataset, SourceKind Kind, string Location, string Trigger, string? SourceVersion = null);

/// <summary>What inspecting a file found; the canonical content waits in staging when it passed.</summary>
/// <param name="Passed">Whether every rule passed.</param>
/// <param name="StagingPath">The inspection's outputs in the artifact store (canonical CSV, schema, profile, report).</param>
/// <param name="ContentSha256">The canonical content's hash, when it passed.</param>
/// <param name="Errors">How many error findings.</param>
/// <param name="Warnings">How many warning findings.</param>
/// <param name="Summary">One line for people.</param>
/// <param name="RowCount">Data rows, when it passed.</param>
/// <param name="SourceBytes">The source file's size.</param>
/// <param name="CanonicalBytes">The canonical CSV's size, when it passed.</param>
public sealed record InspectionOutcome(bool Passed, string StagingPath, string? ContentSha256, int Errors, int Warnings, string Summary,
    long RowCount = 0, long SourceBytes = 0, long CanonicalBytes = 0);

/// <summary>How an Ingestion ended.</summary>
/// <param name="Status"><c>Registered</c> or <c>Quarantined</c>.</param>
/// <param name="Dataset">The dataset.</param>
/// <param name="Version">The version registered or matched.</param>
/// <param name="NewVersion">False when the same content was already registered.</param>
/// <param name="Quarantine">Where the rejected file and its report are.</param>
/// <param name="RunsStarted">Pipeline runs started because a new version arrived.</param>
/// <param name="Summary">One line for people.</param>
public sealed record IngestionResult(string Status, string Dataset, int? Version, bool NewVersion, string? Quarantine, IReadOnlyList<string> RunsStarted, string Summary);
