namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Duplicate rows when the row count is not known in advance (the single-pass inspection). Rows stay in one in-memory
/// set up to the budget; past it, the set's hashes seed <see cref="PartitionedDuplicateRows"/> as earlier rows, and
/// every later row spills after them. Memory stays flat, and the findings are exactly those of one set over all rows:
/// the in-memory part's and the partitions' are over disjoint rows, and merge.
/// </summary>
internal sealed class GrowingDuplicateRows(int inMemoryRows, string spillDirectory, Func<long> estimateRows) : DuplicateRows
{
    private const int InitialRows = 1 << 16;

    private InMemoryDuplicateRows? _inMemory = new(Math.Min(inMemoryRows, InitialRows));
    private RowFinding? _foundInMemory;
    private PartitionedDuplicateRows? _partitioned;
    private long _rows;

    public override void Add(ulong hash, long row, long line)
    {
        if (_partitioned is null && ++_rows > inMemoryRows)
        {
            Spill();
        }

        if (_partitioned is not null)
        {
            _partitioned.Add(hash, row, line);
        }
        else
        {
            _inMemory!.Add(hash, row, line);
        }
    }

    public override RowFinding Finish(CancellationToken cancellationToken) =>
        _partitioned is null ? _inMemory!.Finish(cancellationToken) : RowFinding.Merge([_foundInMemory!, _partitioned.Finish(cancellationToken)]);

    protected override void Dispose(bool disposing) => _partitioned?.Dispose();

    private void Spill()
    {
        _foundInMemory = _inMemory!.Finish(CancellationToken.None);
        _partitioned = new PartitionedDuplicateRows(Math.Max(estimateRows(), _rows), inMemoryRows, spillDirectory);
        foreach (var hash in _inMemory.Hashes)
        {
            _partitioned.Seed(hash);
        }

        _inMemory = null;
    }
}
