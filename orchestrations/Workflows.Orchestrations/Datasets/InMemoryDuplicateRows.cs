namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Duplicate rows with every hash in one <see cref="RowHashSet"/>. Hashes are collected a batch at a time and then
/// added together, so the set's cache misses overlap instead of stalling every row.
/// </summary>
internal sealed class InMemoryDuplicateRows(long expectedRows) : DuplicateRows
{
    private const int BatchSize = 64;

    private readonly RowHashSet _hashes = new(expectedRows);
    private readonly ulong[] _pending = new ulong[BatchSize];
    private readonly long[] _pendingRows = new long[BatchSize];
    private readonly long[] _pendingLines = new long[BatchSize];
    private readonly bool[] _isNew = new bool[BatchSize];
    private readonly RowFinding _found = new();
    private int _count;

    /// <summary>The set of distinct hashes (0 stands as 1); complete once <see cref="Finish"/> has run.</summary>
    public RowHashSet Hashes => _hashes;

    public override RowFinding Finish(CancellationToken cancellationToken)
    {
        Flush();
        return _found;
    }

    public override void Add(ulong hash, long row, long line)
    {
        _pending[_count] = hash;
        _pendingRows[_count] = row;
        _pendingLines[_count] = line;
        if (++_count == BatchSize)
        {
            Flush();
        }
    }

    private void Flush()
    {
        _hashes.AddBatch(_pending.AsSpan(0, _count), _isNew);
        for (var i = 0; i < _count; i++)
        {
            if (!_isNew[i])
            {
                _found.Add(_pendingRows[i], _pendingLines[i]);
            }
        }

        _count = 0;
    }
}
