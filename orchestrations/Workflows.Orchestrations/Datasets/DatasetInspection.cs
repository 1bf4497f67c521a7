namespace Workflows.Orchestrations.Datasets;

/// <summary>The outcome of inspecting one source file: what it holds, whether it passed, and its canonical form.</summary>
/// <param name="Passed">No finding of severity <see cref="FindingSeverity.Error"/>; only then was the canonical file written.</param>
/// <param name="Schema">The resolved schema; null when the file could not be read far enough to know it.</param>
/// <param name="Profile">Per-column statistics; null when the file could not be parsed to the end.</param>
/// <param name="Report">Every finding, passed or not.</param>
/// <param name="ContentSha256">Lower-case hex SHA-256 of the canonical bytes; null unless passed.</param>
/// <param name="RowCount">Data rows read (the header excluded, blank lines skipped).</param>
/// <param name="SourceBytes">Size of the source file.</param>
/// <param name="CanonicalBytes">Size of the canonical file; 0 unless passed.</param>
public sealed record DatasetInspection(
    bool Passed,
    DatasetSchema? Schema,
    DatasetProfile? Profile,
    ValidationReport Report,
    string? ContentSha256,
    long RowCount,
    long SourceBytes,
    long CanonicalBytes);
