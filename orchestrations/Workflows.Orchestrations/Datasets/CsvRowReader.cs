using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// A streaming RFC 4180 reader over UTF-8 bytes. Rows are parsed in place from its buffers (they grow only for a
/// row longer than a buffer), fields are spans into them, so a row costs no allocation. Buffers take turns (two, or
/// more when asked), so the rows of one fill stay readable while the next fills' rows are parsed. Each buffer fill is checked for
/// NUL bytes and invalid UTF-8 before any row in it is parsed; rows before the bad byte are still returned, so the error
/// names the row it is in.
/// </summary>
/// <remarks>
/// Usage: <c>while (reader.TryReadRow()) { ... }</c>, then, unless <see cref="IsCompleted"/> or <see cref="Error"/>,
/// <see cref="FillAsync"/> and read again. Empty lines are skipped (as pandas does); a bare CR ends a line like LF.
/// </remarks>
internal sealed class CsvRowReader
{
    private const int InitialBufferSize = 1024 * 1024;
    private const int StopWindow = 64;
    private const int NoStops = int.MinValue / 2;
    private static readonly SearchValues<byte> UnquotedStops = SearchValues.Create(",\r\n\""u8);

    private readonly Stream _stream;
    /// <summary>
    /// The buffers are the reader's own, not pooled: rows handed to other threads stay valid after the reader is done,
    /// however late that work finishes, since no one else can be given the array meanwhile.
    /// </summary>
    private byte[] _buffer = new byte[InitialBufferSize];

    /// <summary>The buffers of the last fills, oldest first: the next fill moves into the oldest.</summary>
    private readonly Queue<byte[]> _older = new();
    private int _start;
    private int _end;
    private int _parseEnd;
    private int _validated;
    private long _bufferFileOffset;
    private bool _eof;
    private bool _firstFill = true;
    private CsvFormatError? _pendingError;
    private long _nextLine = 1;
    private int[] _fieldStarts = new int[64];
    private int[] _fieldLengths = new int[64];
    private bool[] _fieldEscaped = new bool[64];

    /// <summary>Where the window of <see cref="_stops"/> starts in the buffer (see <see cref="NextStop"/>).</summary>
    private int _stopsStart = NoStops;
    private ulong _stops;

    /// <summary>
    /// A reader of <paramref name="stream"/> whose rows stay readable until the <paramref name="buffers"/> - 1-th
    /// <see cref="FillAsync"/> after the one that read them (2: until the next fill but one).
    /// </summary>
    public CsvRowReader(Stream stream, int buffers = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffers, 2);
        _stream = stream;
        for (var i = 1; i < buffers; i++)
        {
            _older.Enqueue([]);
        }
    }

    /// <summary>Fields of the current row.</summary>
    public int FieldCount { get; private set; }

    /// <summary>Rows returned so far; the current row's index (0 is the header) is this minus one.</summary>
    public long RowsRead { get; private set; }

    /// <summary>The 1-based physical line where the current row starts.</summary>
    public long RowLine { get; private set; }

    /// <summary>Set when the file cannot be parsed any further.</summary>
    public CsvFormatError? Error { get; private set; }

    /// <summary>All rows were returned.</summary>
    public bool IsCompleted => _eof && _start == _end && Error is null;

    /// <summary>Bytes read from the stream so far.</summary>
    public long BytesRead => _bufferFileOffset + _end;

    /// <summary>The current row's field, unquoted and unescaped.</summary>
    public ReadOnlySpan<byte> Field(int index) => _buffer.AsSpan(_fieldStarts[index], _fieldLengths[index]);

    /// <summary>Where the current row's field is in <see cref="Buffer"/>.</summary>
    public (int Start, int Length) FieldPosition(int index) => (_fieldStarts[index], _fieldLengths[index]);

    /// <summary>
    /// The buffer the fields are in. It stays as it is through the next fills (one with two buffers), and is reused by
    /// the one after those.
    /// </summary>
    public byte[] Buffer => _buffer;

    /// <summary>Where the current row's bytes, its line end included, are in <see cref="Buffer"/>.</summary>
    public (int Start, int Length) RowPosition { get; private set; }

    /// <summary>
    /// The current row has no quoted field and ends with a single '\n': its bytes are its fields joined by ',', so a
    /// row whose fields are all canonical is already its canonical text.
    /// </summary>
    public bool RowIsPlain { get; private set; }

    /// <summary>Parses the next row from the buffer; false when more data is needed, at the end, or on an error.</summary>
    public bool TryReadRow()
    {
        if (Error is not null)
        {
            return false;
        }

        var buffer = _buffer;
        while (true)
        {
            var pos = _start;
            var end = _parseEnd;
            if (pos == end)
            {
                return NeedMore();
            }

            var first = buffer[pos];
            if (first is (byte)'\n' or (byte)'\r')
            {
                var lineEnd = SkipLineEnd(buffer, pos, end);
                if (lineEnd < 0)
                {
                    return NeedMore();
                }

                _start = lineEnd;
                _nextLine++;
                continue;
            }

            var rowStart = pos;
            var quoted = false;
            var fields = 0;
            var newlinesInRow = 0L;
            while (true)
            {
                if (fields == _fieldStarts.Length)
                {
                    GrowFields();
                }

                if (pos < end && buffer[pos] == (byte)'"')
                {
                    quoted = true;
                    var contentStart = pos + 1;
                    var q = contentStart;
                    var escaped = false;
                    while (true)
                    {
                        var idx = buffer.AsSpan(q, end - q).IndexOf((byte)'"');
                        if (idx < 0)
                        {
                            return _eof && _pendingError is null
                                ? Fail(ValidationRuleNames.Structure, "unterminated quoted field: a field opens with '\"' and the file ends before it closes", fields)
                                : NeedMore();
                        }

                        q += idx;
                        if (q + 1 == end && !AtTrueEnd(end))
                        {
                            return NeedMore();
                        }

                        if (q + 1 < end && buffer[q + 1] == (byte)'"')
                        {
                            escaped = true;
                            q += 2;
                            continue;
                        }

                        break;
                    }

                    var content = buffer.AsSpan(contentStart, q - contentStart);
                    if (content.Contains((byte)'\n'))
                    {
                        newlinesInRow += content.Count((byte)'\n');
                    }

                    SetField(fields++, contentStart, q - contentStart, escaped);
                    pos = q + 1;
                    if (pos == end)
                    {
                        if (!AtTrueEnd(end))
                        {
                            return NeedMore();
                        }

                        return CompleteRow(fields, rowStart, end, newlinesInRow, plain: false);
                    }

                    var next = buffer[pos];
                    if (next == (byte)',')
                    {
                        pos++;
                        continue;
                    }

                    if (next is not ((byte)'\n' or (byte)'\r'))
                    {
                        return Fail(ValidationRuleNames.Structure, $"unexpected character '{(char)next}' after the closing quote of a quoted field (a quote inside a quoted field is written \"\")", fields - 1);
                    }

                    return EndRowAt(buffer, rowStart, pos, end, fields, newlinesInRow, plain: false);
                }

                var stopAt = NextStop(buffer, pos, end);
                if (stopAt < 0)
                {
                    if (!AtTrueEnd(end))
                    {
                        return NeedMore();
                    }

                    SetField(fields++, pos, end - pos, false);
                    return CompleteRow(fields, rowStart, end, newlinesInRow, plain: false);
                }

                if (buffer[stopAt] == (byte)'"')
                {
                    return Fail(ValidationRuleNames.Structure, "a '\"' inside an unquoted field (quote the whole field and write the quote as \"\")", fields);
                }

                SetField(fields++, pos, stopAt - pos, false);
                pos = stopAt + 1;
                if (buffer[stopAt] == (byte)',')
                {
                    if (pos == end && AtTrueEnd(end))
                    {
                        SetField(fields++, end, 0, false);
                        return CompleteRow(fields, rowStart, end, newlinesInRow, plain: false);
                    }

                    continue;
                }

                return EndRowAt(buffer, rowStart, stopAt, end, fields, newlinesInRow, plain: !quoted);
            }
        }
    }

    /// <summary>Reads more of the stream into the buffer; false at the end of the stream.</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_eof)
        {
            return false;
        }

        if (_start > 0)
        {
            // The rest moves to the oldest buffer: the rows returned from this one stay readable for the next fills.
            var next = _older.Dequeue();
            if (next.Length < _buffer.Length)
            {
                next = new byte[_buffer.Length];
            }

            _buffer.AsSpan(_start, _end - _start).CopyTo(next);
            _older.Enqueue(_buffer);
            _buffer = next;
            _bufferFileOffset += _start;
            _end -= _start;
            _validated -= _start;
            _parseEnd -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // No row was returned from this buffer since the last fill, so nothing reads it any more.
            var larger = new byte[_buffer.Length * 2];
            _buffer.AsSpan(0, _end).CopyTo(larger);
            _buffer = larger;
        }

        _stopsStart = NoStops; // the bytes moved
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        _eof = read == 0;
        if (_firstFill)
        {
            _firstFill = false;
            CheckByteOrderMark();
        }

        Validate();
        return true;
    }

    /// <summary>
    /// The position of the first ',', CR, LF or '"' at or after <paramref name="pos"/> and before <paramref name="end"/>,
    /// or -1. A 64-byte window's stops are found at once as a bit mask and kept, so the next fields of the row cost a
    /// bit scan each instead of a search.
    /// </summary>
    private int NextStop(byte[] buffer, int pos, int end)
    {
        while (true)
        {
            var offset = pos - _stopsStart;
            if ((uint)offset < StopWindow)
            {
                var later = _stops >> offset;
                if (later != 0)
                {
                    return pos + BitOperations.TrailingZeroCount(later);
                }

                pos = _stopsStart + StopWindow;
            }

            if (pos + StopWindow > end)
            {
                // The last bytes of the parsable region: a window would read past it.
                var stop = buffer.AsSpan(pos, end - pos).IndexOfAny(UnquotedStops);
                return stop < 0 ? -1 : pos + stop;
            }

            _stopsStart = pos;
            _stops = StopMask(buffer.AsSpan(pos, StopWindow));
        }
    }

    /// <summary>
    /// Bit i set when window[i] is ',', CR, LF or '"'. 128-bit compares, which every platform accelerates, so this one
    /// path is the one that runs everywhere.
    /// </summary>
    private static ulong StopMask(ReadOnlySpan<byte> window)
    {
        ulong mask = 0;
        for (var i = 0; i < StopWindow; i += Vector128<byte>.Count)
        {
            var bytes = Vector128.Create(window[i..]);
            var stops = Vector128.Equals(bytes, Vector128.Create((byte)',')) | Vector128.Equals(bytes, Vector128.Create((byte)'\n'))
                | Vector128.Equals(bytes, Vector128.Create((byte)'\r')) | Vector128.Equals(bytes, Vector128.Create((byte)'"'));
            mask |= (ulong)stops.ExtractMostSignificantBits() << i;
        }

        return mask;
    }

    private bool AtTrueEnd(int end) => _eof && end == _end && _pendingError is null;

    private bool NeedMore()
    {
        if (_pendingError is not null)
        {
            // Parsing stops at the bad byte, so the row in progress holds it.
            Error = _pendingError with { Row = RowsRead, Line = _nextLine };
        }

        return false;
    }

    private bool Fail(string rule, string message, int field)
    {
        Error = new CsvFormatError(rule, message, RowsRead, _nextLine, field);
        return false;
    }

    private static int SkipLineEnd(byte[] buffer, int pos, int end)
    {
        if (buffer[pos] == (byte)'\n')
        {
            return pos + 1;
        }

        // CR: CRLF or a bare CR; at the buffer's end we must see the next byte first.
        if (pos + 1 < end)
        {
            return buffer[pos + 1] == (byte)'\n' ? pos + 2 : pos + 1;
        }

        return -1;
    }

    private bool EndRowAt(byte[] buffer, int rowStart, int pos, int end, int fields, long newlinesInRow, bool plain)
    {
        var lineEnd = SkipLineEnd(buffer, pos, end);
        if (lineEnd < 0)
        {
            if (!AtTrueEnd(end))
            {
                return NeedMore();
            }

            lineEnd = end;
        }

        return CompleteRow(fields, rowStart, lineEnd, newlinesInRow + 1, plain && buffer[pos] == (byte)'\n');
    }

    private bool CompleteRow(int fields, int rowStart, int next, long lines, bool plain)
    {
        for (var i = 0; i < fields; i++)
        {
            if (_fieldEscaped[i] && _fieldLengths[i] > 0)
            {
                Unescape(i);
            }
        }

        FieldCount = fields;
        RowPosition = (rowStart, next - rowStart);
        RowIsPlain = plain;
        RowLine = _nextLine;
        _nextLine += lines;
        _start = next;
        RowsRead++;
        return true;
    }

    private void Unescape(int index)
    {
        // "" becomes " in place; the field only shrinks.
        var span = _buffer.AsSpan(_fieldStarts[index], _fieldLengths[index]);
        var write = 0;
        for (var read = 0; read < span.Length; read++, write++)
        {
            span[write] = span[read];
            if (span[read] == (byte)'"')
            {
                read++;
            }
        }

        _fieldLengths[index] = write;
    }

    private void SetField(int index, int start, int length, bool escaped)
    {
        _fieldStarts[index] = start;
        _fieldLengths[index] = length;
        _fieldEscaped[index] = escaped;
    }

    private void GrowFields()
    {
        Array.Resize(ref _fieldStarts, _fieldStarts.Length * 2);
        Array.Resize(ref _fieldLengths, _fieldLengths.Length * 2);
        Array.Resize(ref _fieldEscaped, _fieldEscaped.Length * 2);
    }

    private void CheckByteOrderMark()
    {
        var head = _buffer.AsSpan(0, _end);
        if (head is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            Error = new CsvFormatError(ValidationRuleNames.Encoding, "the file is UTF-16 (it starts with a UTF-16 byte order mark): UTF-16 is not supported, save as UTF-8", 0, 1, null);
            _parseEnd = _validated = _end;
            return;
        }

        if (head.StartsWith("\uFEFF"u8))
        {
            _start = _validated = _parseEnd = 3;
        }
    }

    private void Validate()
    {
        if (_pendingError is not null || Error is not null)
        {
            return;
        }

        var checkEnd = _eof ? _end : _end - IncompleteTailLength(_buffer.AsSpan(_validated, _end - _validated));
        var region = _buffer.AsSpan(_validated, checkEnd - _validated);
        var nul = region.IndexOf((byte)0);
        var invalid = Utf8.IsValid(region) ? -1 : FirstInvalidUtf8(region);
        if (nul >= 0 && (invalid < 0 || nul <= invalid))
        {
            SetPending(nul, ValidationRuleNames.Encoding, "a NUL byte at byte offset {0}: this is a binary file, not CSV text (or UTF-16 without a byte order mark: save as UTF-8)");
        }
        else if (invalid >= 0)
        {
            SetPending(invalid, ValidationRuleNames.Encoding, "invalid UTF-8 at byte offset {0}: the file must be UTF-8 (re-save it as UTF-8)");
        }
        else
        {
            _validated = checkEnd;
            _parseEnd = checkEnd;
        }
    }

    private void SetPending(int regionOffset, string rule, string messageFormat)
    {
        var bufferIndex = _validated + regionOffset;
        var fileOffset = _bufferFileOffset + bufferIndex;
        _pendingError = new CsvFormatError(rule, string.Format(System.Globalization.CultureInfo.InvariantCulture, messageFormat, fileOffset), 0, 0, null);
        _parseEnd = bufferIndex;
        _validated = _end;
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> region)
    {
        var offset = 0;
        while (offset < region.Length)
        {
            if (Rune.DecodeFromUtf8(region[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }

    /// <summary>Bytes at the end that start a multi-byte sequence the next read completes.</summary>
    private static int IncompleteTailLength(ReadOnlySpan<byte> span)
    {
        for (var k = 1; k <= Math.Min(3, span.Length); k++)
        {
            var b = span[^k];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            if (b < 0xC0)
            {
                return 0;
            }

            var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
            return needed > k ? k : 0;
        }

        return 0;
    }
}
