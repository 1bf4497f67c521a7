namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Duplicate rows when the row count is not known in advance (the single-pass inspection). Rows stay in one in-memory
/// set, sized from an estimate of the rows taken at the first row, up to the budget; past it, the set's hashes seed
/// <see cref="PartitionedDuplicateRows"/> as earlier rows, and every later row spills after them. Memory stays flat,
/// and the findings are exactly those of one set over all rows: the in-memory part's and the partitions' are over
/// disjoint rows, and merge.
/// </summary>
internal sealed class GrowingDuplicateRows(int inMemoryRows, string spillDirectory, Func<long> estimateRows) : DuplicateRows
{
    private InMemoryDuplicateRows? _inMemory;
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
            (_inMemory ??= new InMemoryDuplicateRows(Math.Clamp(estimateRows(), 1, inMemoryRows))).Add(hash, row, line);
        }
    }

    public override RowFinding Finish(CancellationToken cancellationToken) =>
        _partitioned is not null ? RowFinding.Merge([_foundInMemory!, _partitioned.Finish(cancellationToken)])
        : _inMemory?.Finish(cancellationToken) ?? new RowFinding();

    protected override void Dispose(bool disposing) => _partitioned?.Dispose();

    private void Spill()
    {
        _foundInMemory = _inMemory!.Finish(CancellationToken.None);

        // The in-memory set, the size a partition is planned to be, checks the partitions too: no second set.
        var hashes = _inMemory.Hashes;
        _partitioned = new PartitionedDuplicateRows(Math.Max(estimateRows(), _rows), inMemoryRows, spillDirectory, hashes);
        foreach (var hash in hashes.Hashes)
        {
            _partitioned.Seed(hash);
        }

        _inMemory = null;
    }
}
