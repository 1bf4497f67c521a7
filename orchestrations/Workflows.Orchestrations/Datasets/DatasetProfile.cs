namespace Workflows.Orchestrations.Datasets;

/// <summary>Statistics of one dataset version: the baseline later versions and served traffic are compared with.</summary>
/// <param name="RowCount">Data rows.</param>
/// <param name="Columns">One profile per column, in file order.</param>
/// <param name="DuplicateRows">Rows that repeat an earlier row exactly (after canonicalization, so "1.0" equals "1").</param>
/// <param name="ClassCounts">Rows per label class for classification, most frequent first; null for regression.</param>
public sealed record DatasetProfile(
    long RowCount,
    IReadOnlyList<ColumnProfile> Columns,
    long DuplicateRows,
    IReadOnlyList<CategoryCount>? ClassCounts)
{
    /// <summary>The profile of the named column, or null.</summary>
    public ColumnProfile? Column(string name) => Columns.FirstOrDefault(c => c.Name == name);
}
