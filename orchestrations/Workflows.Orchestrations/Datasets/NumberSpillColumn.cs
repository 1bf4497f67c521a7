using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// One column's values on their way into a <see cref="NumberSpill"/>: a block of its own, appended to the spill file
/// when full, and where each went, to read its values back once all are in. Whole-number columns are written as
/// zigzag varints (see the spill's remarks), others as doubles; a column is written one way only.
/// </summary>
/// <remarks>Used by one thread at a time: the thread scanning the column, then the one reading it back.</remarks>
internal sealed class NumberSpillColumn(NumberSpill spill, bool whole)
{
    private readonly byte[] _block = new byte[NumberSpill.BlockBytes];
    private readonly List<(long Offset, int Length)> _blocks = [];
    private int _length;

    /// <summary>Written as whole numbers (<see cref="AddWhole"/>).</summary>
    public bool Whole => whole;

    /// <summary>Values added so far.</summary>
    public long Count { get; private set; }

    /// <summary>Where the column's blocks went, in order.</summary>
    public IReadOnlyList<(long Offset, int Length)> Blocks => _blocks;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per number, in the scan's loop
    public void Add(double value)
    {
        if (_length > NumberSpill.BlockBytes - sizeof(double))
        {
            Flush();
        }

        Unsafe.WriteUnaligned(ref _block[_length], value);
        _length += sizeof(double);
        Count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per number, in the scan's loop
    public void AddWhole(long value)
    {
        if (_length > NumberSpill.BlockBytes - NumberSpill.MaxVarintBytes)
        {
            Flush();
        }

        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var at = _length;
        var block = _block;
        while (zigzag >= 0x80)
        {
            block[at++] = (byte)(zigzag | 0x80);
            zigzag >>= 7;
        }

        block[at++] = (byte)zigzag;
        _length = at;
        Count++;
    }

    /// <summary>Appends the block's values to the spill file, if it holds any.</summary>
    public void Flush()
    {
        if (_length == 0)
        {
            return;
        }

        _blocks.Add((spill.Append(_block.AsSpan(0, _length)), _length));
        _length = 0;
    }

    /// <summary>
    /// Passes the values back in the order they were added, a block at a time, once all are in. Different columns may
    /// be read back on different threads at once.
    /// </summary>
    public void ReadBack(Action<ReadOnlySpan<double>> values, CancellationToken cancellationToken)
    {
        Flush();
        var wholes = whole ? new double[NumberSpill.BlockBytes] : null; // a block's whole numbers, at least a byte each
        foreach (var (offset, length) in _blocks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bytes = _block.AsSpan(0, length);
            spill.Read(offset, bytes);
            values(wholes is null ? MemoryMarshal.Cast<byte, double>(bytes) : wholes.AsSpan(0, DecodeWholes(bytes, wholes)));
        }
    }

    /// <summary>A block's zigzag varints as doubles (as their profiling converts the longs); returns how many.</summary>
    private static int DecodeWholes(ReadOnlySpan<byte> bytes, double[] values)
    {
        var count = 0;
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

            values[count++] = (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
        }

        return count;
    }
}
