using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// A baseline sample as a step function: its distinct values, how many sample values are at or below each, and a
/// lookup from any live value to the step it falls on.
/// </summary>
/// <remarks>
/// Every numeric method here (KS, Wasserstein, PSI) only needs to know, for each live value, between which two
/// consecutive distinct baseline values it lies: the baseline's CDF is constant there. So a live column is never
/// sorted (a million floats per feature would cost more than the rest of a check); each value is dropped into its
/// bucket in one pass. Bucket <c>b</c> holds the live values with exactly <c>b</c> distinct baseline values at or
/// below them: bucket 0 is below the sample, bucket K at or above its largest value, bucket b in between is
/// [Values[b-1], Values[b]).
/// </remarks>
internal sealed class EmpiricalDistribution
{
    // Beyond this many distinct values in one grid cell the lookup bisects instead of stepping.
    private const int LinearScanLimit = 8;

    private readonly float _low;
    private readonly float _scale;
    private readonly int _lastCell;
    private readonly int[] _cellStart;

    // Per cell: the index of its first distinct value when the cell holds at most two (then the lookup is two
    // comparisons, no branch), or -1 when it holds more (then it steps or bisects). Most cells hold at most two.
    private readonly int[] _cellFast;

    // The distinct values followed by two +infinity, so the two comparisons never read past the end.
    private readonly float[] _padded;

    private EmpiricalDistribution(float[] values, int[] atOrBelow, int count)
    {
        Values = values;
        AtOrBelow = atOrBelow;
        Count = count;
        // A uniform grid over the sample's range, eight cells per distinct value, remembers how many distinct
        // values lie in the cells before each one; a lookup then steps over the few values in its own cell. Eight
        // leave about one live value in a hundred in a cell with more than two (the slow path): four left three times
        // as many and were 20% slower to scan; sixteen cost more in cache than they saved. The cell
        // of a value is computed by the same single-precision expression for the grid and for every lookup (scalar or
        // vector: the same IEEE operations give the same cell), and it is monotonic, so a rounding at a cell border can
        // never make the lookup skip a value.
        var cells = Math.Max(1, 8 * values.Length);
        _cellStart = new int[cells + 1];
        _lastCell = cells - 1;
        _low = values[0];
        var range = values[^1] - values[0];
        var scale = range > 0 ? cells / range : 0;
        // A range too wide for a float (or too narrow for its reciprocal) puts every value in cell 0: bisection finds it.
        _scale = float.IsFinite(scale) ? scale : 0;
        var cell = 0;
        for (var j = 0; j < values.Length; j++)
        {
            var of = Cell(values[j]);
            while (cell < of)
            {
                _cellStart[++cell] = j;
            }
        }

        while (cell < cells)
        {
            _cellStart[++cell] = values.Length;
        }

        _cellFast = new int[cells];
        for (var c = 0; c < cells; c++)
        {
            _cellFast[c] = _cellStart[c + 1] - _cellStart[c] <= 2 ? _cellStart[c] : -1;
        }

        _padded = [.. values, float.PositiveInfinity, float.PositiveInfinity];
    }

    /// <summary>The distinct values of the sample, ascending.</summary>
    public float[] Values { get; }

    /// <summary>For each distinct value, how many sample values are at or below it.</summary>
    public int[] AtOrBelow { get; }

    /// <summary>Sample size.</summary>
    public int Count { get; }

    /// <summary>Buckets a live value can fall in: one more than the distinct values.</summary>
    public int Buckets => Values.Length + 1;

    /// <summary>The step function of a sorted sample; NaN is not allowed in it.</summary>
    public static EmpiricalDistribution FromSorted(ReadOnlySpan<float> sorted)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("A baseline sample needs at least one value.", nameof(sorted));
        }

        var values = new List<float>();
        var atOrBelow = new List<int>();
        for (var i = 0; i < sorted.Length; i++)
        {
            if (float.IsNaN(sorted[i]) || (i > 0 && sorted[i] < sorted[i - 1]))
            {
                throw new ArgumentException("A baseline sample must be sorted and free of NaN.", nameof(sorted));
            }

            if (i + 1 == sorted.Length || sorted[i + 1] != sorted[i])
            {
                values.Add(sorted[i]);
                atOrBelow.Add(i + 1);
            }
        }

        return new EmpiricalDistribution([.. values], [.. atOrBelow], sorted.Length);
    }

    /// <summary>Set in a bucket from <see cref="Locate"/> when the value equals the bucket's lower edge: a tie with the baseline.</summary>
    public const int TieBit = int.MinValue;

    /// <summary>Where <see cref="Locate"/> puts a NaN: one past the last bucket.</summary>
    public int MissingSlot => Values.Length + 1;

    /// <summary>
    /// The bucket of every value, with <see cref="TieBit"/> set on a value equal to its bucket's lower edge, and
    /// <see cref="MissingSlot"/> for NaN: what a scan needs to count a column.
    /// </summary>
    /// <remarks>Eight values at a time where AVX2 is available (gathered lookups, no branch but for crowded cells); one at a time elsewhere.</remarks>
    public void Locate(ReadOnlySpan<float> values, Span<int> tagged)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tagged.Length, values.Length, nameof(tagged));
        var done = Avx2.IsSupported ? LocateVectors(values, tagged) : 0;
        LocateEach(values[done..], tagged[done..]);
    }

    /// <summary>The one-value-at-a-time <see cref="Locate"/>, for hardware without AVX2 (and to check the vector path against).</summary>
    internal void LocateEach(ReadOnlySpan<float> values, Span<int> tagged)
    {
        for (var i = 0; i < values.Length; i++)
        {
            tagged[i] = Tagged(values[i]);
        }
    }

    /// <summary>The vector <see cref="Locate"/> of the longest prefix of whole vectors; returns its length.</summary>
    internal unsafe int LocateVectors(ReadOnlySpan<float> values, Span<int> tagged)
    {
        var count = values.Length & ~(Vector256<float>.Count - 1);
        var (lowest, highest) = (Vector256.Create(Values[0]), Vector256.Create(Values[^1]));
        var grid = new VectorGrid(this);
        var (lastBucket, missingSlot, tieBit) = (Vector256.Create(Values.Length), Vector256.Create(MissingSlot), Vector256.Create(TieBit));
        fixed (float* source = values)
        fixed (int* target = tagged)
        fixed (int* cellFast = _cellFast)
        fixed (float* padded = _padded)
        {
            for (var i = 0; i < count; i += Vector256<float>.Count)
            {
                var value = Avx.LoadVector256(source + i);
                var nan = Avx.CompareUnordered(value, value).AsInt32();
                var above = Avx.CompareGreaterThanOrEqual(value, highest).AsInt32();
                var outside = nan | above | Avx.CompareLessThan(value, lowest).AsInt32();

                // Lanes outside the sample's range look up cell 0 and ignore it: their cell (NaN, huge) is no index.
                var cell = Avx2.AndNot(outside, CellVector(value, grid));
                var fast = Avx2.GatherVector256(cellFast, cell, 4);
                var crowded = Avx2.AndNot(outside, Avx2.CompareGreaterThan(Vector256<int>.Zero, fast));
                fast = Avx2.Max(fast, Vector256<int>.Zero);
                // The cell's two values in one 8-byte load per lane, then split into the first and the second of each pair.
                var low = Avx2.GatherVector256((long*)padded, fast.GetLower(), 4).AsSingle();
                var high = Avx2.GatherVector256((long*)padded, fast.GetUpper(), 4).AsSingle();
                var first = Avx2.Permute4x64(Avx.Shuffle(low, high, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
                var second = Avx2.Permute4x64(Avx.Shuffle(low, high, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();

                // A comparison that holds is -1: subtracting it counts the distinct values at or below the live one. Only
                // the cell's values can equal it (an earlier or later cell's are strictly below or above).
                var bucket = fast - Avx.CompareLessThanOrEqual(first, value).AsInt32() - Avx.CompareLessThanOrEqual(second, value).AsInt32();
                var tie = (Avx.CompareEqual(first, value) | Avx.CompareEqual(second, value)).AsInt32();

                // Outside: bucket 0 below the sample, the last at or above its largest value (a tie when equal), NaN the missing slot.
                bucket = Avx2.BlendVariable(Avx2.BlendVariable(bucket, above & lastBucket, outside), missingSlot, nan);
                tie = Avx2.BlendVariable(tie, above & Avx.CompareEqual(value, highest).AsInt32(), outside);
                (bucket | (tie & tieBit)).Store(target + i);

                for (var slow = (uint)Avx.MoveMask(crowded.AsSingle()); slow != 0; slow &= slow - 1)
                {
                    var lane = i + BitOperations.TrailingZeroCount(slow);
                    target[lane] = Tagged(source[lane]);
                }
            }
        }

        return count;
    }

    /// <summary>
    /// The positions of the values inside the sample's range (at or above its smallest value, below its largest; never
    /// NaN) whose grid cell is marked (non-zero in <paramref name="cellMarks"/>, one per cell): a cheap screen before the
    /// full lookup, for a scan that wants few of the values. Returns how many were written to <paramref name="picked"/>.
    /// </summary>
    public unsafe int Screen(ReadOnlySpan<float> values, int[] cellMarks, Span<int> picked)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(cellMarks.Length, CellCount, nameof(cellMarks));
        ArgumentOutOfRangeException.ThrowIfLessThan(picked.Length, values.Length, nameof(picked));
        var (lowest, highest) = (Values[0], Values[^1]);
        var (i, count) = (0, 0);
        if (Avx2.IsSupported)
        {
            var (low, high) = (Vector256.Create(lowest), Vector256.Create(highest));
            var grid = new VectorGrid(this);
            fixed (float* source = values)
            fixed (int* marks = cellMarks)
            {
                for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
                {
                    var value = Avx.LoadVector256(source + i);
                    // Both comparisons are false for NaN: outside. Outside lanes read cell 0's mark and drop it.
                    var inside = (Avx.CompareGreaterThanOrEqual(value, low) & Avx.CompareLessThan(value, high)).AsInt32();
                    var marked = Avx2.GatherVector256(marks, CellVector(value, grid) & inside, 4);
                    var lanes = ~Avx2.CompareEqual(marked, Vector256<int>.Zero) & inside;
                    for (var hits = (uint)Avx.MoveMask(lanes.AsSingle()); hits != 0; hits &= hits - 1)
                    {
                        picked[count++] = i + BitOperations.TrailingZeroCount(hits);
                    }
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (values[i] >= lowest && values[i] < highest && cellMarks[Cell(values[i])] != 0)
            {
                picked[count++] = i;
            }
        }

        return count;
    }

    /// <summary>The buckets a value in cell <paramref name="cell"/> can fall in: from the first to the last, inclusive.</summary>
    public (int First, int Last) CellBuckets(int cell) => (_cellStart[cell], _cellStart[cell + 1]);

    /// <summary>Cells of the grid.</summary>
    public int CellCount => _cellFast.Length;

    /// <summary><see cref="Cell"/> of eight values: the same single-precision operations, so the same cells.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> CellVector(Vector256<float> value, in VectorGrid grid)
    {
        var cell = Avx.ConvertToVector256Int32WithTruncation(Avx.Multiply(Avx.Subtract(value, grid.Low), grid.Scale));
        // Conversion gives int.MinValue for NaN or overflow where the scalar cast saturates. Inside the sample's range
        // both clamp to the same cell (the product is at most about the cell count, or NaN when the range overflowed a
        // float and the scale is 0); outside it they may differ, so callers mask those lanes.
        return Avx2.Min(Avx2.Max(cell, Vector256<int>.Zero), grid.LastCell);
    }

    private int Tagged(float value)
    {
        if (float.IsNaN(value))
        {
            return MissingSlot;
        }

        var bucket = Bucket(value);
        return bucket > 0 && Values[bucket - 1] == value ? bucket | TieBit : bucket;
    }

    /// <summary>The bucket of a live value (not NaN): how many distinct baseline values are at or below it.</summary>
    /// <remarks>Inlined where it is called per value; the rare crowded cell is not.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Bucket(float value)
    {
        var values = Values;
        if (value < values[0])
        {
            return 0;
        }

        if (value >= values[^1])
        {
            return values.Length;
        }

        var cell = Cell(value);
        var fast = _cellFast[cell];
        if (fast >= 0)
        {
            // At most two distinct values in the cell: count those at or below the value without branching.
            return fast + (_padded[fast] <= value ? 1 : 0) + (_padded[fast + 1] <= value ? 1 : 0);
        }

        return Crowded(cell, value);
    }

    /// <summary>The lookup in a cell with more than two distinct values: step through them, or bisect when there are many.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Crowded(int cell, float value)
    {
        var values = Values;
        var bucket = _cellStart[cell];
        var end = _cellStart[cell + 1];
        if (end - bucket > LinearScanLimit)
        {
            // Upper bound by bisection in [bucket, end): the first index whose value is above the live value.
            while (bucket < end)
            {
                var middle = (bucket + end) >>> 1;
                if (values[middle] <= value)
                {
                    bucket = middle + 1;
                }
                else
                {
                    end = middle;
                }
            }

            return bucket;
        }

        while (bucket < end && values[bucket] <= value)
        {
            bucket++;
        }

        return bucket;
    }

    /// <summary>The grid's constants, one per lane.</summary>
    private readonly struct VectorGrid(EmpiricalDistribution distribution)
    {
        public Vector256<float> Low { get; } = Vector256.Create(distribution._low);

        public Vector256<float> Scale { get; } = Vector256.Create(distribution._scale);

        public Vector256<int> LastCell { get; } = Vector256.Create(distribution._lastCell);
    }

    // Clamped both ways: a value below the grid (or a NaN product of an overflowed range) is cell 0 on every path.
    private int Cell(float value) => Math.Clamp((int)((value - _low) * _scale), 0, _lastCell);
}
