namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Rows that repeat an earlier canonical row. Hashes are collected a batch at a time and then added to the
/// <see cref="RowHashSet"/> together, so its cache misses overlap instead of stalling every row.
/// </summary>
internal sealed class DuplicateRows(long expectedRows)
{
    private const int BatchSize = 64;

    private readonly RowHashSet _hashes = new(expectedRows);
    private readonly ulong[] _pending = new ulong[BatchSize];
    private readonly long[] _pendingRows = new long[BatchSize];
    private readonly long[] _pendingLines = new long[BatchSize];
    private readonly bool[] _isNew = new bool[BatchSize];
    private int _count;

    /// <summary>Complete only after <see cref="Flush"/>.</summary>
    public RowFinding Found { get; } = new();

    public void Add(ReadOnlySpan<byte> canonicalRow, long row, long line)
    {
        _pending[_count] = RowHashSet.Hash(canonicalRow);
        _pendingRows[_count] = row;
        _pendingLines[_count] = line;
        if (++_count == BatchSize)
        {
            Flush();
        }
    }

    public void Flush()
    {
        _hashes.AddBatch(_pending.AsSpan(0, _count), _isNew);
        for (var i = 0; i < _count; i++)
        {
            if (!_isNew[i])
            {
                Found.Add(_pendingRows[i], _pendingLines[i]);
            }
        }

        _count = 0;
    }
}
