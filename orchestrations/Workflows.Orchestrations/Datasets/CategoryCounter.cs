using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Counts of at most 10,000 distinct values; a value first seen after that only adds to an overflow count.
/// </summary>
/// <remarks>
/// Keyed by the raw UTF-8 bytes (valid UTF-8, so equal bytes are equal text): an open-addressing table of indexes into
/// the distinct values, whose bytes sit back to back in one array. Counting a value already seen decodes nothing and
/// allocates nothing; values become strings only when reported.
/// </remarks>
internal sealed class CategoryCounter
{
    public const int MaxTracked = 10_000;
    public const int MaxReported = 100;

    private const int InitialSlots = 64;

    private int[] _slots = new int[InitialSlots]; // index + 1 into the values; 0 is empty; at most half full
    private ulong[] _hashes = new ulong[InitialSlots / 2];
    private int[] _ends = new int[InitialSlots / 2];
    private long[] _counts = new long[InitialSlots / 2];
    private byte[] _bytes = new byte[1024];
    private char[] _chars = new char[256];

    /// <summary>Values not tracked because 10,000 distinct ones were already.</summary>
    public long Overflow { get; private set; }

    public int Tracked { get; private set; }

    public void Add(ReadOnlySpan<byte> utf8)
    {
        var hash = HashOf(utf8);
        var mask = _slots.Length - 1;
        var slot = (int)hash & mask;
        while (_slots[slot] != 0)
        {
            var index = _slots[slot] - 1;
            if (_hashes[index] == hash && (utf8.Length <= sizeof(ulong) ? Length(index) == utf8.Length : Value(index).SequenceEqual(utf8)))
            {
                _counts[index]++;
                return;
            }

            slot = (slot + 1) & mask;
        }

        if (Tracked == MaxTracked)
        {
            Overflow++;
            return;
        }

        if (Tracked == _counts.Length)
        {
            Grow();
            slot = FreeSlot(_slots, hash);
        }

        var start = Tracked == 0 ? 0 : _ends[Tracked - 1];
        if (start + utf8.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(start + utf8.Length, _bytes.Length * 2));
        }

        utf8.CopyTo(_bytes.AsSpan(start));
        _ends[Tracked] = start + utf8.Length;
        _hashes[Tracked] = hash;
        _counts[Tracked] = 1;
        _slots[slot] = ++Tracked;
    }

    /// <summary>Whether the value is one of <paramref name="allowed"/> (an ordinal set).</summary>
    public bool IsIn(HashSet<string>.AlternateLookup<ReadOnlySpan<char>> allowed, ReadOnlySpan<byte> utf8)
    {
        if (_chars.Length < utf8.Length)
        {
            _chars = new char[Math.Max(utf8.Length, _chars.Length * 2)];
        }

        return allowed.Contains(_chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars)));
    }

    /// <summary>All tracked values, most frequent first, ties by ordinal value.</summary>
    public IReadOnlyList<CategoryCount> MostFrequent(int limit) =>
        Enumerable.Range(0, Tracked).Select(i => new CategoryCount(Encoding.UTF8.GetString(Value(i)), _counts[i]))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal).Take(limit).ToArray();

    /// <summary>
    /// Most category values are at most 8 bytes: their bytes packed into one word (exactly, for a given length) and
    /// mixed, inline; longer ones take the row hash. The mixing is a bijection, so two values of at most 8 bytes and the
    /// same length are equal exactly when their hashes are: <see cref="Add"/> compares no bytes for them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per categorical cell
    private static ulong HashOf(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > sizeof(ulong))
        {
            return RowHashSet.Hash(utf8);
        }

        var packed = utf8.Length == sizeof(ulong) ? BinaryPrimitives.ReadUInt64LittleEndian(utf8) : RowHashSet.PackShort(utf8);
        return RowHashSet.Avalanche(packed + (ulong)utf8.Length);
    }

    private static int FreeSlot(int[] slots, ulong hash)
    {
        var mask = slots.Length - 1;
        var slot = (int)hash & mask;
        while (slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        return slot;
    }

    private void Grow()
    {
        var capacity = _counts.Length * 2;
        Array.Resize(ref _hashes, capacity);
        Array.Resize(ref _ends, capacity);
        Array.Resize(ref _counts, capacity);
        _slots = new int[capacity * 2];
        for (var i = 0; i < Tracked; i++)
        {
            _slots[FreeSlot(_slots, _hashes[i])] = i + 1;
        }
    }

    private int Length(int index) => _ends[index] - (index == 0 ? 0 : _ends[index - 1]);

    private ReadOnlySpan<byte> Value(int index)
    {
        var start = index == 0 ? 0 : _ends[index - 1];
        return _bytes.AsSpan(start, _ends[index] - start);
    }
}
