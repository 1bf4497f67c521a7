namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The data rows of one reader buffer, as field positions into that buffer, so their columns can be processed on
/// several threads at once. Valid while the reader keeps that buffer (see <see cref="CsvRowReader.Buffer"/>).
/// </summary>
internal sealed class RowBatch(int fieldCount)
{
    private const int InitialCapacity = 1024;

    private byte[] _buffer = [];

    /// <summary>Column by column (column × capacity + row): a column's cells are scanned in a row, one thread each.</summary>
    private (int Start, int Length)[] _fields = new (int, int)[InitialCapacity * fieldCount];
    private long[] _rows = new long[InitialCapacity];
    private long[] _lines = new long[InitialCapacity];
    private int[] _rowStarts = new int[InitialCapacity];
    private int[] _rowLengths = new int[InitialCapacity];
    private bool[] _plain = new bool[InitialCapacity];

    public int Count { get; private set; }

    public int FieldCount => fieldCount;

    public void Clear() => Count = 0;

    /// <summary>Adds the reader's current row, which must have <see cref="FieldCount"/> fields.</summary>
    public void Add(CsvRowReader reader)
    {
        var capacity = _rows.Length;
        if (Count == capacity)
        {
            Grow();
            capacity = _rows.Length;
        }

        _buffer = reader.Buffer;
        _rows[Count] = reader.RowsRead - 1;
        _lines[Count] = reader.RowLine;
        (_rowStarts[Count], _rowLengths[Count]) = reader.RowPosition;
        _plain[Count] = reader.RowIsPlain;
        for (var i = 0; i < fieldCount; i++)
        {
            _fields[(i * capacity) + Count] = reader.FieldPosition(i);
        }

        Count++;
    }

    /// <summary>The buffer the fields are in.</summary>
    public byte[] Buffer => _buffer;

    /// <summary>Where one column's fields are in <see cref="Buffer"/>, row by row.</summary>
    public ReadOnlySpan<(int Start, int Length)> Column(int column) => _fields.AsSpan(column * _rows.Length, Count);

    /// <summary>The data rows' indexes in the file (see <see cref="Row"/>).</summary>
    public ReadOnlySpan<long> Rows => _rows.AsSpan(0, Count);

    /// <summary>The rows' physical lines (see <see cref="Line"/>).</summary>
    public ReadOnlySpan<long> Lines => _lines.AsSpan(0, Count);

    public ReadOnlySpan<byte> Field(int row, int column)
    {
        var (start, length) = _fields[(column * _rows.Length) + row];
        return _buffer.AsSpan(start, length);
    }

    /// <summary>Bytes from the first row's start to the last row's end.</summary>
    public long Bytes => Count == 0 ? 0 : _rowStarts[Count - 1] + _rowLengths[Count - 1] - _rowStarts[0];

    /// <summary>The row's bytes as read, its line end included.</summary>
    public ReadOnlySpan<byte> RowBytes(int row) => _buffer.AsSpan(_rowStarts[row], _rowLengths[row]);

    /// <summary>Whether the row's bytes are its fields joined by ',' and one '\n' (see <see cref="CsvRowReader.RowIsPlain"/>).</summary>
    public bool IsPlain(int row) => _plain[row];

    /// <summary>The data row's index in the file (the header is row 0).</summary>
    public long Row(int row) => _rows[row];

    /// <summary>The 1-based physical line where the row starts.</summary>
    public long Line(int row) => _lines[row];

    private void Grow()
    {
        var capacity = _rows.Length;
        var fields = new (int, int)[capacity * 2 * fieldCount];
        for (var column = 0; column < fieldCount; column++)
        {
            _fields.AsSpan(column * capacity, capacity).CopyTo(fields.AsSpan(column * capacity * 2));
        }

        _fields = fields;
        Array.Resize(ref _rows, capacity * 2);
        Array.Resize(ref _lines, capacity * 2);
        Array.Resize(ref _rowStarts, capacity * 2);
        Array.Resize(ref _rowLengths, capacity * 2);
        Array.Resize(ref _plain, capacity * 2);
    }
}
