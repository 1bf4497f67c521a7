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
/// The matrix is row-major (rows of all features, as the model reads them), so reading one column at a time would
/// pull the whole matrix through the cache once per feature. Instead each thread takes a contiguous share of the rows
/// and walks it in blocks small enough to stay in cache while every column of the block is binned; each thread
/// fills its own histograms, added together at the end, so no locks or atomics sit in the loop. Parallelism is over
/// rows rather than features so that a window with few features still uses every core.
/// </remarks>
internal static class HistogramScan
{
    // 2,048 rows of 30 floats are 240 KB: the block stays in L2 while its columns are binned one after another.
    private const int BlockRows = 2048;

    // Below this many rows per thread, starting threads costs more than it saves.
    private const int MinRowsPerPartition = 32_768;

    public static LiveHistogram[] Run(float[] matrix, int rows, int stride, IReadOnlyList<ColumnSpec> columns)
    {
        var partitions = Partitions(rows);
        var parts = new LiveHistogram[partitions.Length][];
        Parallel.For(0, partitions.Length, new ParallelOptions { MaxDegreeOfParallelism = partitions.Length }, p =>
        {
            var histograms = new LiveHistogram[columns.Count];
            for (var c = 0; c < columns.Count; c++)
            {
                histograms[c] = new LiveHistogram(columns[c].Baseline);
            }

            var (start, end) = partitions[p];
            for (var block = start; block < end; block += BlockRows)
            {
                var blockEnd = Math.Min(end, block + BlockRows);
                for (var c = 0; c < columns.Count; c++)
                {
                    Bin(matrix, stride, columns[c], block, blockEnd, histograms[c]);
                }
            }

            parts[p] = histograms;
        });

        for (var p = 1; p < parts.Length; p++)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                parts[0][c].Add(parts[p][c]);
            }
        }

        return parts[0];
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

    private static void Bin(float[] matrix, int stride, ColumnSpec spec, int start, int end, LiveHistogram histogram)
    {
        var baseline = spec.Baseline;
        var counts = histogram.Counts;
        var ties = histogram.Ties;
        var offsets = histogram.Offsets;
        var anchors = histogram.Anchors;
        var (min, max) = (spec.Min, spec.Max);
        long missing = 0, outOfRange = 0;
        for (long i = (long)start * stride + spec.Column, last = (long)end * stride; i < last; i += stride)
        {
            var value = matrix[i];
            if (float.IsNaN(value))
            {
                missing++;
                continue;
            }

            if (value < min || value > max)
            {
                outOfRange++;
            }

            var bucket = baseline.Bucket(value);
            counts[bucket]++;
            var anchor = anchors[bucket];
            offsets[bucket] += (double)value - anchor;
            // Bucket 0 lies below its anchor, so only a value at a bucket's lower edge can count here.
            if (value == anchor)
            {
                ties[bucket]++;
            }
        }

        histogram.Values += end - start - missing;
        histogram.Missing += missing;
        histogram.OutOfRange += outOfRange;
    }
}
