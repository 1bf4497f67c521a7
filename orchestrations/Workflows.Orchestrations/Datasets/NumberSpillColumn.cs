using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// One column's values on their way into a <see cref="NumberSpill"/>: a block of its own (header, then payload),
/// appended to the spill file when full. Whole-number columns are written as zigzag varints (see the spill's remarks),
/// others as doubles; a column is written one way only.
/// </summary>
/// <remarks>Used by one thread at a time: the thread scanning the column.</remarks>
internal sealed class NumberSpillColumn
{
    private readonly NumberSpill _spill;
    private readonly byte[] _block = new byte[NumberSpill.HeaderBytes + NumberSpill.BlockBytes];
    private int _length;

    public NumberSpillColumn(NumberSpill spill, int column, bool whole)
    {
        _spill = spill;
        Index = column;
        Whole = whole;
        MemoryMarshal.Write(_block, in column);
    }

    public int Index { get; }

    /// <summary>Written as whole numbers (<see cref="AddWhole"/>).</summary>
    public bool Whole { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per number, in the scan's loop
    public void Add(double value)
    {
        if (_length > NumberSpill.BlockBytes - sizeof(double))
        {
            Flush();
        }

        Unsafe.WriteUnaligned(ref _block[NumberSpill.HeaderBytes + _length], value);
        _length += sizeof(double);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per number, in the scan's loop
    public void AddWhole(long value)
    {
        if (_length > NumberSpill.BlockBytes - NumberSpill.MaxVarintBytes)
        {
            Flush();
        }

        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var at = NumberSpill.HeaderBytes + _length;
        var block = _block;
        while (zigzag >= 0x80)
        {
            block[at++] = (byte)(zigzag | 0x80);
            zigzag >>= 7;
        }

        block[at++] = (byte)zigzag;
        _length = at - NumberSpill.HeaderBytes;
    }

    /// <summary>Appends the block's values to the spill file, if it holds any.</summary>
    public void Flush()
    {
        if (_length == 0)
        {
            return;
        }

        MemoryMarshal.Write(_block.AsSpan(sizeof(int)), in _length);
        _spill.Append(_block.AsSpan(0, NumberSpill.HeaderBytes + _length));
        _length = 0;
    }
}
