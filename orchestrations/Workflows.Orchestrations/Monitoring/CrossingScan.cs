namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// The second, selective pass the exact Wasserstein distance needs: the live values of the few buckets where the two
/// CDFs cross (<see cref="WassersteinDistance.CrossingBuckets"/>), grouped by bucket.
/// </summary>
/// <remarks>
/// Most values are rejected by their grid cell alone (<see cref="EmpiricalDistribution.Screen"/>, eight at a time): no
/// crossing bucket can hold them. Only the rest get the full lookup. The first pass counted every bucket, so each
/// crossing bucket's array is allocated at its final size and filled in row order, and the columns (independent now)
/// are shared among the cores. Columns without a crossing are skipped entirely.
/// </remarks>
internal static class CrossingScan
{
    public static Dictionary<int, float[]>[] Run(IReadOnlyList<ColumnSpec> columns, IReadOnlyList<LiveHistogram> histograms, IReadOnlyList<bool[]?> crossings)
    {
        var result = new Dictionary<int, float[]>[columns.Count];
        Parallel.For(0, columns.Count, c => result[c] = crossings[c] is { } crossing ? Collect(columns[c], histograms[c], crossing) : []);
        return result;
    }

    private static Dictionary<int, float[]> Collect(ColumnSpec column, LiveHistogram histogram, bool[] crossing)
    {
        var baseline = column.Baseline;
        var byBucket = new Dictionary<int, float[]>();
        var arrays = new float[crossing.Length][];
        for (var bucket = 0; bucket < crossing.Length; bucket++)
        {
            if (crossing[bucket])
            {
                byBucket[bucket] = arrays[bucket] = new float[histogram.Counts[bucket]];
            }
        }

        // Outside the range (bucket 0, the last, or NaN) is never a crossing: the CDFs cannot cross where the baseline's is 0 or 1.
        var marks = CellsWithCrossing(baseline, crossing);
        var filled = new int[crossing.Length];
        var picked = new int[HistogramScan.ChunkRows];
        for (var chunk = 0; chunk < column.Values.Length; chunk += HistogramScan.ChunkRows)
        {
            var values = column.Values.AsSpan(chunk, Math.Min(HistogramScan.ChunkRows, column.Values.Length - chunk));
            var count = baseline.Screen(values, marks, picked);
            for (var k = 0; k < count; k++)
            {
                var value = values[picked[k]];
                var bucket = baseline.Bucket(value);
                if (crossing[bucket])
                {
                    arrays[bucket][filled[bucket]++] = value;
                }
            }
        }

        foreach (var (bucket, values) in byBucket)
        {
            if (filled[bucket] != values.Length)
            {
                // The two passes locate values by the same grid, so this is a bug: a short array would skew W unseen.
                throw new InvalidOperationException($"Bucket {bucket} of a crossing holds {filled[bucket]} live values on the second pass; the first counted {values.Length}.");
            }
        }

        return byBucket;
    }

    // Per grid cell: can a value in it fall in a crossing bucket? (1 if so.)
    private static int[] CellsWithCrossing(EmpiricalDistribution baseline, bool[] crossing)
    {
        var prefix = new int[crossing.Length + 1];
        for (var b = 0; b < crossing.Length; b++)
        {
            prefix[b + 1] = prefix[b] + (crossing[b] ? 1 : 0);
        }

        var cells = new int[baseline.CellCount];
        for (var cell = 0; cell < cells.Length; cell++)
        {
            var (first, last) = baseline.CellBuckets(cell);
            cells[cell] = prefix[last + 1] != prefix[first] ? 1 : 0;
        }

        return cells;
    }
}
