namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The data rows of one reader buffer, as field positions into that buffer, so their columns can be processed on
/// several threads at once. Valid until the reader refills its buffer.
/// </summary>
internal sealed class RowBatch(int fieldCount)
{
    private byte[] _buffer = [];
    private int[] _starts = new int[1024 * fieldCount];
    private int[] _lengths = new int[1024 * fieldCount];
    private long[] _rows = new long[1024];
    private long[] _lines = new long[1024];
    private int[] _rowStarts = new int[1024];
    private int[] _rowLengths = new int[1024];
    private bool[] _plain = new bool[1024];

    public int Count { get; private set; }

    public int FieldCount => fieldCount;

    public void Clear() => Count = 0;

    /// <summary>Adds the reader's current row, which must have <see cref="FieldCount"/> fields.</summary>
    public void Add(CsvRowReader reader)
    {
        if (Count == _rows.Length)
        {
            Array.Resize(ref _rows, Count * 2);
            Array.Resize(ref _lines, Count * 2);
            Array.Resize(ref _rowStarts, Count * 2);
            Array.Resize(ref _rowLengths, Count * 2);
            Array.Resize(ref _plain, Count * 2);
            Array.Resize(ref _starts, Count * 2 * fieldCount);
            Array.Resize(ref _lengths, Count * 2 * fieldCount);
        }

        _buffer = reader.Buffer;
        _rows[Count] = reader.RowsRead - 1;
        _lines[Count] = reader.RowLine;
        (_rowStarts[Count], _rowLengths[Count]) = reader.RowPosition;
        _plain[Count] = reader.RowIsPlain;
        var first = Count * fieldCount;
        for (var i = 0; i < fieldCount; i++)
        {
            (_starts[first + i], _lengths[first + i]) = reader.FieldPosition(i);
        }

        Count++;
    }

    public ReadOnlySpan<byte> Field(int row, int column)
    {
        var index = (row * fieldCount) + column;
        return _buffer.AsSpan(_starts[index], _lengths[index]);
    }

    /// <summary>The row's bytes as read, its line end included.</summary>
    public ReadOnlySpan<byte> RowBytes(int row) => _buffer.AsSpan(_rowStarts[row], _rowLengths[row]);

    /// <summary>Whether the row's bytes are its fields joined by ',' and one '\n' (see <see cref="CsvRowReader.RowIsPlain"/>).</summary>
    public bool IsPlain(int row) => _plain[row];

    /// <summary>Whether the row's bytes directly follow the previous row's (no blank line or skipped row between).</summary>
    public bool FollowsPrevious(int row) => row > 0 && _rowStarts[row] == _rowStarts[row - 1] + _rowLengths[row - 1];

    /// <summary>The data row's index in the file (the header is row 0).</summary>
    public long Row(int row) => _rows[row];

    /// <summary>The 1-based physical line where the row starts.</summary>
    public long Line(int row) => _lines[row];
}
