namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Rows that repeat an earlier canonical row, found by 64-bit row hash. Up to <see cref="DefaultInMemoryRows"/> rows the
/// hashes stay in one in-memory set; beyond it they are spilled to temporary partition files, so memory stays flat
/// however large the file.
/// </summary>
internal abstract class DuplicateRows : IDisposable
{
    /// <summary>Rows whose hashes are kept in memory at once: a set of about 16 MB at most.</summary>
    public const int DefaultInMemoryRows = 1_000_000;

    /// <summary>
    /// Detection for about <paramref name="expectedRows"/> rows (the first pass's count) that holds the hashes of at
    /// most about <paramref name="inMemoryRows"/> rows at once; spilled partitions go in a temporary directory under
    /// <paramref name="spillDirectory"/>.
    /// </summary>
    public static DuplicateRows Create(long expectedRows, int inMemoryRows, string spillDirectory)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inMemoryRows);
        return expectedRows <= inMemoryRows
            ? new InMemoryDuplicateRows(expectedRows)
            : new PartitionedDuplicateRows(expectedRows, inMemoryRows, spillDirectory);
    }

    /// <summary>
    /// Detection for rows whose count is not known in advance: in memory up to about <paramref name="inMemoryRows"/>
    /// rows, spilled past that (see <see cref="GrowingDuplicateRows"/>).
    /// </summary>
    public static DuplicateRows CreateGrowing(int inMemoryRows, string spillDirectory, Func<long> estimateRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inMemoryRows);
        return new GrowingDuplicateRows(inMemoryRows, spillDirectory, estimateRows);
    }

    /// <summary>Adds the next row; rows come in row order.</summary>
    public void Add(ReadOnlySpan<byte> canonicalRow, long row, long line) => Add(RowHashSet.Hash(canonicalRow), row, line);

    /// <summary>Adds the next row by its hash (<see cref="RowHashSet.Hash"/>); rows come in row order.</summary>
    public abstract void Add(ulong hash, long row, long line);

    /// <summary>The duplicates among all rows added, once every row is in.</summary>
    public abstract RowFinding Finish(CancellationToken cancellationToken);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
