using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Inspects a CSV file in one streaming pass with bounded memory: structure, encoding, header, types, nulls and
/// moments; and, as the types found so far, canonical form and its SHA-256, histograms, categories, duplicates,
/// ranges, labels and drift. When a column's type changes after the first buffer of rows, a second pass redoes the
/// latter with the final types. Memory is the read buffer, the per-column quantile samples (32 MB at most), category
/// tables (10,000 values per column) and the duplicate-row hashes of a million rows at most (16 MB; larger files spill
/// them to temporary files beside the canonical output, see <see cref="DuplicateRows"/>, as they do the numbers
/// awaiting their histograms and samples, see <see cref="NumberSpill"/>).
/// </summary>
public static class DatasetInspector
{
    /// <summary>
    /// Reads a local CSV file (streaming; once, rarely twice), parses it (RFC 4180, header row, strict UTF-8), infers or
    /// checks the schema against <paramref name="dataset"/>, computes per-column statistics, applies
    /// <paramref name="rules"/>, compares with <paramref name="previous"/> for drift warnings, and, only if it passed,
    /// writes the canonical content to <paramref name="canonicalOutputPath"/>: UTF-8, '\n' line ends, the header,
    /// RFC 4180 quoting only where needed, numbers in invariant shortest round-trip form, booleans as true/false, empty
    /// for null. The same data in any formatting (CRLF, quoting, BOM, "1.0" or "1") so hashes the same.
    /// </summary>
    /// <remarks>Bad data never throws: it is a finding. Only I/O errors and cancellation throw.</remarks>
    public static Task<DatasetInspection> InspectAsync(
        string sourcePath, DatasetDefinition dataset, ValidationRules rules, DatasetProfile? previous, string canonicalOutputPath, CancellationToken cancellationToken) =>
        InspectAsync(sourcePath, dataset, rules, previous, canonicalOutputPath, DuplicateRows.DefaultInMemoryRows, cancellationToken);

    /// <summary>As the public overload, with the rows whose duplicate-detection hashes stay in memory at once.</summary>
    internal static async Task<DatasetInspection> InspectAsync(
        string sourcePath, DatasetDefinition dataset, ValidationRules rules, DatasetProfile? previous, string canonicalOutputPath, int duplicateRowsInMemory,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentException.ThrowIfNullOrEmpty(canonicalOutputPath);
        var sourceBytes = new FileInfo(sourcePath).Length;
        var source = Path.GetFileName(sourcePath);
        var findings = new List<ValidationFinding>();
        var spillDirectory = Path.GetDirectoryName(Path.GetFullPath(canonicalOutputPath))!;

        // The canonical content is written during the first pass, and kept only if the file passes.
        var sink = new CanonicalSink(canonicalOutputPath, cancellationToken);
        DatasetProfiling? profiling = null;
        try
        {
            var scan = await DatasetScan.RunAsync(sourcePath, dataset, rules, findings,
                columns => DatasetProfiling.Speculate(columns, dataset, rules, previous, sourceBytes, duplicateRowsInMemory, spillDirectory, sink),
                cancellationToken).ConfigureAwait(false);
            profiling = scan.Profiling;
            if (scan.Error is { } error)
            {
                findings.Add(new ValidationFinding(error.Rule, FindingSeverity.Error, ColumnName(error, scan.Header), error.Row > 0 ? [error.Row] : [], 1, CsvFile.Describe(error, scan.Header)));
            }

            if (scan.Error is not null || scan.Columns is null)
            {
                return Result(source, findings, null, null, null, scan.Rows, sourceBytes, 0);
            }

            InspectionRules.CheckScan(scan, dataset, findings);
            if (profiling!.Mispredicted)
            {
                // A column's type changed after the first buffer: profile again, in a second pass, as the final types.
                profiling.Dispose();
                profiling = null;
                await sink.DisposeAsync().ConfigureAwait(false);
                sink = null; // not disposed again should what follows throw
                sink = HasErrors(findings) ? null : new CanonicalSink(canonicalOutputPath, cancellationToken);
                profiling = await DatasetProfiling.RunAsync(sourcePath, scan, dataset, rules, previous, duplicateRowsInMemory, spillDirectory, sink, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                profiling.Finish(scan, cancellationToken);
            }

            InspectionRules.CheckProfile(scan, profiling, dataset, rules, findings);
            var profile = ProfileBuilder.Profile(scan, profiling, dataset);
            if (previous is not null)
            {
                DriftCheck.Compare(previous, profile, profiling, rules.DriftWarningPsi, findings);
            }

            var schema = ProfileBuilder.Schema(scan, dataset);
            if (sink is null || HasErrors(findings))
            {
                return Result(source, findings, schema, profile, null, scan.Rows, sourceBytes, 0);
            }

            var sha256 = await sink.CommitAsync(cancellationToken).ConfigureAwait(false);
            return Result(source, findings, schema, profile, sha256, scan.Rows, sourceBytes, sink.BytesWritten);
        }
        finally
        {
            profiling?.Dispose();
            if (sink is not null)
            {
                await sink.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static bool HasErrors(List<ValidationFinding> findings) => findings.Exists(f => f.Severity == FindingSeverity.Error);

    private static string? ColumnName(CsvFormatError error, string[]? header) =>
        error.Field is int field && header is not null && field < header.Length ? header[field] : null;

    private static DatasetInspection Result(
        string source, List<ValidationFinding> findings, DatasetSchema? schema, DatasetProfile? profile, string? sha256, long rows, long sourceBytes, long canonicalBytes)
    {
        var passed = !HasErrors(findings);
        var ordered = findings.OrderBy(f => f.Severity).ToArray();
        return new DatasetInspection(passed, schema, profile, new ValidationReport(source, passed, ordered), sha256, rows, sourceBytes, canonicalBytes);
    }
}
