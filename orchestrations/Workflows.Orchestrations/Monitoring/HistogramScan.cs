using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>One live column to drop into the buckets of its baseline.</summary>
/// <param name="Values">The column's live values, NaN for missing.</param>
/// <param name="Baseline">The baseline's step function.</param>
/// <param name="Min">Smallest training value: live values below it are out of range.</param>
/// <param name="Max">Largest training value: live values above it are out of range.</param>
internal sealed record ColumnSpec(float[] Values, EmpiricalDistribution Baseline, double Min, double Max);

/// <summary>
/// Bins every requested column of a live window in one parallel pass.
/// </summary>
/// <remarks>
/// Each thread takes a contiguous share of the rows and, column by column, walks its share in chunks: first every
/// value of a chunk is located on the baseline (<see cref="EmpiricalDistribution.Locate"/>, eight at a time), then the
/// chunk's buckets are counted. Splitting the two keeps each loop short and free of dependent lookups, and a column's
/// lookup tables and counters (about 450 KB for a 5,000-row baseline) stay in the core's cache for its whole share.
/// Each thread fills its own counters, added together at the end, so no locks or atomics sit in the loop. Parallelism
/// is over rows rather than features so that a window with few features still uses every core.
/// </remarks>
internal static class HistogramScan
{
    // Small enough that a chunk's values and buckets stay in L1 between the two loops.
    internal const int ChunkRows = 2048;

    // Below this many rows per thread, starting threads costs more than it saves.
    private const int MinRowsPerPartition = 32_768;

    public static LiveHistogram[] Run(int rows, IReadOnlyList<ColumnSpec> columns)
    {
        var partitions = Partitions(rows);
        var parts = new Totals[partitions.Length][];
        Parallel.For(0, partitions.Length, new ParallelOptions { MaxDegreeOfParallelism = partitions.Length }, p =>
        {
            var (start, end) = partitions[p];
            var tagged = new int[ChunkRows];
            var totals = new Totals[columns.Count];
            for (var c = 0; c < columns.Count; c++)
            {
                totals[c] = new Totals(columns[c]);
                for (var chunk = start; chunk < end; chunk += ChunkRows)
                {
                    totals[c].Add(columns[c].Values.AsSpan(chunk, Math.Min(ChunkRows, end - chunk)), tagged);
                }
            }

            parts[p] = totals;
        });

        var histograms = new LiveHistogram[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            var histogram = new LiveHistogram(columns[c].Baseline);
            foreach (var part in parts)
            {
                part[c].AddTo(histogram);
            }

            histograms[c] = histogram;
        }

        return histograms;
    }

    /// <summary>Contiguous row ranges, one per thread that is worth starting.</summary>
    private static (int Start, int End)[] Partitions(int rows)
    {
        var count = Math.Clamp(rows / MinRowsPerPartition, 1, Environment.ProcessorCount);
        var partitions = new (int, int)[count];
        for (var p = 0; p < count; p++)
        {
            partitions[p] = ((int)((long)rows * p / count), (int)((long)rows * (p + 1) / count));
        }

        return partitions;
    }

    // One thread's counts for one column. A bucket's numbers sit together, so counting a value touches one cache line
    // rather than three arrays' worth. The last slot collects the NaNs (the baseline's missing slot).
    private sealed class Totals
    {
        private readonly EmpiricalDistribution _baseline;
        private readonly BucketTotal[] _buckets;
        private readonly float[] _anchors;
        private readonly float _min;
        private readonly float _max;
        private long _rows;
        private long _outOfRange;

        public Totals(ColumnSpec column)
        {
            _baseline = column.Baseline;
            _buckets = new BucketTotal[_baseline.MissingSlot + 1];
            _anchors = [.. LiveHistogram.AnchorsOf(_baseline), 0f];
            (_min, _max) = (AtOrAbove(column.Min), AtOrBelow(column.Max));
        }

        public void Add(ReadOnlySpan<float> values, int[] tagged)
        {
            _baseline.Locate(values, tagged);
            ref var buckets = ref MemoryMarshal.GetArrayDataReference(_buckets);
            ref var anchors = ref MemoryMarshal.GetArrayDataReference(_anchors);
            // Bounds: Locate gives buckets up to the missing slot, the last element of both arrays.
            for (var i = 0; i < values.Length; i++)
            {
                var bucket = tagged[i] & ~EmpiricalDistribution.TieBit;
                ref var total = ref Unsafe.Add(ref buckets, bucket);
                total.CountAndTies += 1 + ((long)(tagged[i] >>> 31) << 32);
                total.Offset += (double)values[i] - Unsafe.Add(ref anchors, bucket);
            }

            _rows += values.Length;
            _outOfRange += OutOfRange(values, _min, _max);
        }

        public void AddTo(LiveHistogram histogram)
        {
            for (var b = 0; b < histogram.Counts.Length; b++)
            {
                histogram.Counts[b] += _buckets[b].Count;
                histogram.Ties[b] += _buckets[b].Ties;
                histogram.Offsets[b] += _buckets[b].Offset;
            }

            var missing = _buckets[_baseline.MissingSlot].Count;
            histogram.Values += _rows - missing;
            histogram.Missing += missing;
            histogram.OutOfRange += _outOfRange;
        }
    }

    /// <summary>Values below <paramref name="min"/> or above <paramref name="max"/> (NaN is neither).</summary>
    private static int OutOfRange(ReadOnlySpan<float> values, float min, float max)
    {
        var count = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var (low, high) = (Vector256.Create(min), Vector256.Create(max));
            for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
            {
                var value = Vector256.Create(values.Slice(i, Vector256<float>.Count));
                count += BitOperations.PopCount((Vector256.LessThan(value, low) | Vector256.GreaterThan(value, high)).ExtractMostSignificantBits());
            }
        }

        for (; i < values.Length; i++)
        {
            count += values[i] < min || values[i] > max ? 1 : 0;
        }

        return count;
    }

    // The float bounds that compare with a float value exactly as the double bound would: value < min exactly when
    // value < (the smallest float at or above min), and value > max exactly when value > (the largest at or below max).
    private static float AtOrAbove(double min) => (float)min < min ? MathF.BitIncrement((float)min) : (float)min;

    private static float AtOrBelow(double max) => (float)max > max ? MathF.BitDecrement((float)max) : (float)max;

    // Count and ties share one 64-bit word (ties in the high half), so a value is one add rather than two. A thread's
    // share of a window is under 2^31 values, so neither half can carry into the other.
    [StructLayout(LayoutKind.Sequential)]
    private struct BucketTotal
    {
        public long CountAndTies;
        public double Offset;

        public readonly int Count => (int)CountAndTies;

        public readonly int Ties => (int)(CountAndTies >>> 32);
    }
}
