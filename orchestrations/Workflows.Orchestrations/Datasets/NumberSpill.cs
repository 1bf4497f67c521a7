using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The values of the numeric columns, kept in a temporary file until each column's min and max are known, so that
/// the single pass that finds them can still count exact histograms between them. Each column fills an 8 KB block
/// (column, payload length, payload, in this process's byte order) and appends it when full, so memory is 8 KB per
/// column however large the file; the file is deleted when closed.
/// </summary>
/// <remarks>
/// Writing and reading the file back is most of what the histograms cost, so whole-number columns, the common kind
/// (ids, counts, pixels), are written compactly: a zigzag varint of the long, 1–3 bytes for most, instead of 8. Their
/// doubles are then the longs converted back, exactly as their profiling converts them.
/// </remarks>
internal sealed class NumberSpill : IDisposable
{
    private const int BlockBytes = 8 * 1024;
    private const int HeaderBytes = 2 * sizeof(int);
    private const int MaxValueBytes = 10;

    private readonly SafeFileHandle _file;

    /// <summary>
    /// Each column's block. Its payload length lives in its header, not in an array shared by the columns, whose
    /// threads would contend for that array's cache line.
    /// </summary>
    private readonly byte[]?[] _blocks;

    /// <summary>Columns written with <see cref="AddWhole"/>; a column is written one way only.</summary>
    private readonly bool[] _whole;
    private readonly Lock _reserve = new();
    private long _length;

    public NumberSpill(string directory, int columns)
    {
        Directory.CreateDirectory(directory);
        _file = File.OpenHandle(Path.Combine(directory, ".numbers-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        _blocks = new byte[columns][];
        _whole = new bool[columns];
    }

    /// <summary>Adds one value of a column. Calls for one column must not overlap; calls for different columns may.</summary>
    public void Add(int column, double value)
    {
        var block = Block(column, whole: false);
        ref var length = ref PayloadLength(block);
        MemoryMarshal.Write(block.AsSpan(HeaderBytes + length), in value);
        length += sizeof(double);
    }

    /// <summary>Adds one value of a whole-number column, compactly (see the remarks); as <see cref="Add"/> otherwise.</summary>
    public void AddWhole(int column, long value)
    {
        var block = Block(column, whole: true);
        ref var length = ref PayloadLength(block);
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var at = HeaderBytes + length;
        while (zigzag >= 0x80)
        {
            block[at++] = (byte)(zigzag | 0x80);
            zigzag >>= 7;
        }

        block[at++] = (byte)zigzag;
        length = at - HeaderBytes;
    }

    /// <summary>Adds every spilled value to its column's histogram (none for a null one), once all values are in.</summary>
    public void CountInto(IReadOnlyList<HistogramCounter?> histograms, CancellationToken cancellationToken)
    {
        foreach (var block in _blocks)
        {
            if (block is not null)
            {
                WriteBlock(block);
            }
        }

        using var stream = new FileStream(_file, FileAccess.Read, 1 << 20);
        var payload = new byte[BlockBytes];
        Span<byte> header = stackalloc byte[HeaderBytes];
        for (long offset = 0; offset < _length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stream.ReadExactly(header);
            var column = MemoryMarshal.Read<int>(header);
            var bytes = payload.AsSpan(0, MemoryMarshal.Read<int>(header[sizeof(int)..]));
            stream.ReadExactly(bytes);
            offset += HeaderBytes + bytes.Length;
            if (histograms[column] is not { } histogram)
            {
                continue;
            }

            if (_whole[column])
            {
                CountWhole(bytes, histogram);
            }
            else
            {
                foreach (var value in MemoryMarshal.Cast<byte, double>(bytes))
                {
                    histogram.Add(value);
                }
            }
        }
    }

    public void Dispose() => _file.Dispose();

    private static void CountWhole(ReadOnlySpan<byte> bytes, HistogramCounter histogram)
    {
        for (var at = 0; at < bytes.Length;)
        {
            ulong zigzag = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = bytes[at++];
                zigzag |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    break;
                }
            }

            histogram.Add((long)(zigzag >> 1) ^ -(long)(zigzag & 1));
        }
    }

    private static ref int PayloadLength(byte[] block) => ref MemoryMarshal.Cast<byte, int>(block.AsSpan(sizeof(int), sizeof(int)))[0];

    /// <summary>The column's block, with room for one more value.</summary>
    private byte[] Block(int column, bool whole)
    {
        if (_blocks[column] is not { } block)
        {
            block = _blocks[column] = new byte[HeaderBytes + BlockBytes];
            MemoryMarshal.Write(block, in column);
            _whole[column] = whole;
        }
        else if (PayloadLength(block) > BlockBytes - MaxValueBytes)
        {
            WriteBlock(block);
        }

        return block;
    }

    private void WriteBlock(byte[] block)
    {
        ref var length = ref PayloadLength(block);
        if (length == 0)
        {
            return;
        }

        var bytes = block.AsSpan(0, HeaderBytes + length);
        long offset;
        lock (_reserve)
        {
            offset = _length;
            _length += bytes.Length;
        }

        // Blocks of different columns go to disjoint ranges, so two threads may write at once.
        RandomAccess.Write(_file, bytes, offset);
        length = 0;
    }
}
