using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>One column of a row-major matrix to drop into the buckets of its baseline.</summary>
/// <param name="Column">Index of the column in each row.</param>
/// <param name="Baseline">The baseline's step function.</param>
/// <param name="Min">Smallest training value: live values below it are out of range.</param>
/// <param name="Max">Largest training value: live values above it are out of range.</param>
internal sealed record ColumnSpec(int Column, EmpiricalDistribution Baseline, double Min, double Max);

/// <summary>
/// Bins every requested column of a live matrix in one parallel pass over its rows.
/// </summary>
/// <remarks>
/// The matrix is row-major (rows of all features, as the model reads them). Each thread takes a contiguous share of
/// the rows and walks it in large blocks, binning every column of a block in turn (see <see cref="BlockRows"/>); each thread
/// fills its own histograms, added together at the end, so no locks or atomics sit in the loop. Parallelism is over
/// rows rather than features so that a window with few features still uses every core.
/// </remarks>
internal static class HistogramScan
{
    // Binning a column touches its lookup tables and counters (about 300 KB for a 5,000-row baseline); switching
    // columns reloads them from L3. Blocks of 65,536 rows make that reload a few bytes per value: measured 3.5x faster
    // than blocks of 2,048 that kept the block's rows in L2 (1M x 30 values: 1.5 s to 0.42 s of scanning).
    private const int BlockRows = 65536;

    // Below this many rows per thread, starting threads costs more than it saves.
    private const int MinRowsPerPartition = 32_768;

    public static LiveHistogram[] Run(float[] matrix, int rows, int stride, IReadOnlyList<ColumnSpec> columns)
    {
        var partitions = Partitions(rows);
        var parts = new Totals[partitions.Length][];
        Parallel.For(0, partitions.Length, new ParallelOptions { MaxDegreeOfParallelism = partitions.Length }, p =>
        {
            var totals = new Totals[columns.Count];
            for (var c = 0; c < columns.Count; c++)
            {
                totals[c] = new Totals(columns[c].Baseline);
            }

            var (start, end) = partitions[p];
            for (var block = start; block < end; block += BlockRows)
            {
                var blockEnd = Math.Min(end, block + BlockRows);
                for (var c = 0; c < columns.Count; c++)
                {
                    Bin(matrix, stride, columns[c], block, blockEnd, totals[c]);
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
    public static (int Start, int End)[] Partitions(int rows)
    {
        var count = Math.Clamp(rows / MinRowsPerPartition, 1, Environment.ProcessorCount);
        var partitions = new (int, int)[count];
        for (var p = 0; p < count; p++)
        {
            partitions[p] = ((int)((long)rows * p / count), (int)((long)rows * (p + 1) / count));
        }

        return partitions;
    }

    private static void Bin(float[] matrix, int stride, ColumnSpec spec, int start, int end, Totals totals)
    {
        var baseline = spec.Baseline;
        ref var buckets = ref MemoryMarshal.GetArrayDataReference(totals.Buckets);
        ref var anchors = ref MemoryMarshal.GetArrayDataReference(totals.Anchors);
        ref var data = ref MemoryMarshal.GetArrayDataReference(matrix);
        var (min, max) = (spec.Min, spec.Max);
        long missing = 0, outOfRange = 0;
        // Bounds: start and end are rows of the matrix and Column < stride, checked by the caller; the bucket is at most Buckets - 1.
        for (nint i = (nint)start * stride + spec.Column, last = (nint)end * stride; i < last; i += stride)
        {
            var value = Unsafe.Add(ref data, i);
            if (float.IsNaN(value))
            {
                missing++;
                continue;
            }

            outOfRange += value < min || value > max ? 1 : 0;
            var bucket = baseline.Bucket(value);
            ref var total = ref Unsafe.Add(ref buckets, bucket);
            var anchor = Unsafe.Add(ref anchors, bucket);
            total.Count++;
            total.Offset += (double)value - anchor;
            // Bucket 0 lies below its anchor, so only a value at a bucket's lower edge counts here.
            total.Ties += value == anchor ? 1 : 0;
        }

        totals.Missing += missing;
        totals.OutOfRange += outOfRange;
        totals.Values += end - start - missing;
    }

    // One thread's counts for one column. A bucket's three numbers sit together, so binning a value touches one cache
    // line rather than three arrays' worth.
    private sealed class Totals(EmpiricalDistribution baseline)
    {
        public BucketTotal[] Buckets { get; } = new BucketTotal[baseline.Buckets];

        public float[] Anchors { get; } = new LiveHistogram(baseline).Anchors;

        public long Values { get; set; }

        public long Missing { get; set; }

        public long OutOfRange { get; set; }

        public void AddTo(LiveHistogram histogram)
        {
            for (var b = 0; b < Buckets.Length; b++)
            {
                histogram.Counts[b] += Buckets[b].Count;
                histogram.Ties[b] += Buckets[b].Ties;
                histogram.Offsets[b] += Buckets[b].Offset;
            }

            histogram.Values += Values;
            histogram.Missing += Missing;
            histogram.OutOfRange += OutOfRange;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct BucketTotal
    {
        public int Count;
        public int Ties;
        public double Offset;
    }
}
