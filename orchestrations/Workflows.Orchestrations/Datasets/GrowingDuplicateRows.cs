namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Duplicate rows when the row count is not known in advance (the single-pass inspection). At the first row the rows
/// are estimated: a file estimated past the budget is partitioned from the start, as with a known count. Otherwise rows
/// stay in one in-memory set, sized from the estimate; should they pass the budget after all, the set's hashes seed
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
        if (_rows++ == 0)
        {
            Start();
        }
        else if (_inMemory is not null && _rows > inMemoryRows)
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
        _partitioned is null ? _inMemory?.Finish(cancellationToken) ?? new RowFinding()
        : _foundInMemory is null ? _partitioned.Finish(cancellationToken)
        : RowFinding.Merge([_foundInMemory, _partitioned.Finish(cancellationToken)]);

    protected override void Dispose(bool disposing) => _partitioned?.Dispose();

    private void Start()
    {
        var estimate = estimateRows();
        if (estimate > inMemoryRows)
        {
            _partitioned = new PartitionedDuplicateRows(estimate, inMemoryRows, spillDirectory);
        }
        else
        {
            _inMemory = new InMemoryDuplicateRows(Math.Max(1, estimate));
        }
    }

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
