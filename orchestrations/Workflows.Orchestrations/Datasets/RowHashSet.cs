using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Finds rows that repeat an earlier row: an open-addressing set of 64-bit row hashes, 8 bytes a slot at a load of at
/// most 0.7, so about 12–23 bytes per distinct row (not the rows themselves). Two different rows collide with
/// probability about n²/2^65: under 3 in a million for 10 million rows, and a collision can only over-count duplicates.
/// </summary>
/// <remarks>
/// The table is sized up front from the row count the scan saw or estimated (or a partition's, see
/// <see cref="PartitionedDuplicateRows"/>), so it rehashes only when an estimate fell short. Lookups miss the cache (the table is up to 16 MB for
/// a million rows), so callers hand hashes over in batches
/// (<see cref="AddBatch"/>): a tight loop of independent lookups lets the processor overlap the misses.
/// </remarks>
internal sealed class RowHashSet
{
    private const ulong Prime1 = 0x9E3779B185EBCA87;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4F;
    private const int MinSlots = 1024;

    private ulong[] _slots;
    private int _count;

    public RowHashSet(long expectedRows)
    {
        var slots = Math.Max(MinSlots, BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, expectedRows * 10 / 7) + 1));
        _slots = new ulong[slots];
    }

    /// <summary>The hashes in the set, in no particular order.</summary>
    public IEnumerable<ulong> Hashes => _slots.Where(slot => slot != 0);

    /// <summary>Empties the set, keeping its table for the next partition's hashes.</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        _count = 0;
    }

    /// <summary>Adds each hash in order; <paramref name="isNew"/>[i] is false when an equal hash was there already.</summary>
    public void AddBatch(ReadOnlySpan<ulong> hashes, Span<bool> isNew)
    {
        for (var i = 0; i < hashes.Length; i++)
        {
            if ((_count + 1) * 10L > _slots.Length * 7L)
            {
                Grow();
            }

            var hash = hashes[i] == 0 ? 1 : hashes[i]; // 0 marks an empty slot
            isNew[i] = Insert(_slots, hash);
            if (isNew[i])
            {
                _count++;
            }
        }
    }

    /// <summary>A 64-bit hash in the manner of xxHash64's single lane, with MurmurHash3's finalizer.</summary>
    internal static ulong Hash(ReadOnlySpan<byte> data)
    {
        var hash = Prime1 ^ (ulong)data.Length;
        if (data.Length >= 32)
        {
            hash = HashStripes(ref data, hash);
        }

        while (data.Length >= 8)
        {
            hash = Mix(hash, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        // The last 1–7 bytes as one lane (the length is already in the hash).
        if (data.Length > 0)
        {
            hash = Mix(hash, PackShort(data));
        }

        return Avalanche(hash);
    }

    /// <summary>MurmurHash3's finalizer: every input bit reaches every output bit, the low ones (which pick slots) too.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // in the per-cell hashes
    internal static ulong Avalanche(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCD;
        hash ^= hash >> 33;
        hash *= 0xC4CEB9FE1A85EC53;
        return hash ^ (hash >> 33);
    }

    /// <summary>
    /// Up to 7 bytes in one word without a loop, exactly for a given length (overlapping reads from both ends; 0 for
    /// none): most category values and many cells are that short.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // in the per-cell hashes
    internal static ulong PackShort(ReadOnlySpan<byte> data) =>
        data.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(data) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]) << 32)
        : data.Length > 0 ? data[0] | ((ulong)data[data.Length / 2] << 8) | ((ulong)data[^1] << 16)
        : 0;

    /// <summary>
    /// Whole rows: 32 bytes a round in four independent lanes (as xxHash64 does), so the multiplications overlap
    /// instead of each waiting for the last; the rest is left in <paramref name="data"/> for the single lane.
    /// </summary>
    private static ulong HashStripes(ref ReadOnlySpan<byte> data, ulong seed)
    {
        var (a, b, c, d) = (seed + Prime1 + Prime2, seed + Prime2, seed, seed - Prime1);
        do
        {
            a = Round(a, BinaryPrimitives.ReadUInt64LittleEndian(data));
            b = Round(b, BinaryPrimitives.ReadUInt64LittleEndian(data[8..]));
            c = Round(c, BinaryPrimitives.ReadUInt64LittleEndian(data[16..]));
            d = Round(d, BinaryPrimitives.ReadUInt64LittleEndian(data[24..]));
            data = data[32..];
        }
        while (data.Length >= 32);

        var hash = BitOperations.RotateLeft(a, 1) + BitOperations.RotateLeft(b, 7) + BitOperations.RotateLeft(c, 12) + BitOperations.RotateLeft(d, 18);
        return Mix(Mix(Mix(Mix(hash, a), b), c), d);
    }

    private static ulong Round(ulong accumulator, ulong lane) => BitOperations.RotateLeft(accumulator + (lane * Prime2), 31) * Prime1;

    private static ulong Mix(ulong hash, ulong lane) =>
        (BitOperations.RotateLeft(hash ^ (BitOperations.RotateLeft(lane * Prime2, 31) * Prime1), 27) * Prime1) + 0x52DCE729;

    private static bool Insert(ulong[] slots, ulong hash)
    {
        var mask = slots.Length - 1;
        var index = (int)hash & mask;
        while (true)
        {
            var slot = slots[index];
            if (slot == 0)
            {
                slots[index] = hash;
                return true;
            }

            if (slot == hash)
            {
                return false;
            }

            index = (index + 1) & mask;
        }
    }

    /// <summary>When the row count was only a guess (<see cref="GrowingDuplicateRows"/>) or the file grew between passes.</summary>
    private void Grow()
    {
        var larger = new ulong[_slots.Length * 2];
        foreach (var slot in _slots)
        {
            if (slot != 0)
            {
                Insert(larger, slot);
            }
        }

        _slots = larger;
    }
}
