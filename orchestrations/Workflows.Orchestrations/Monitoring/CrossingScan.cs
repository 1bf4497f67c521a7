namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// The second, selective pass the exact Wasserstein distance needs: the live values of the few buckets where the two
/// CDFs cross (<see cref="WassersteinDistance.CrossingBuckets"/>), sorted per bucket.
/// </summary>
/// <remarks>
/// Most values are rejected by their grid cell alone (no crossing bucket can hold them), without the full lookup, so
/// this pass costs a fraction of the first. Columns without a crossing are skipped entirely.
/// </remarks>
internal static class CrossingScan
{
    private const int BlockRows = 2048;

    public static Dictionary<int, float[]>[] Run(float[] matrix, int rows, int stride, IReadOnlyList<ColumnSpec> columns, IReadOnlyList<bool[]?> crossings)
    {
        var active = new List<int>();
        var flags = new bool[columns.Count][];
        for (var c = 0; c < columns.Count; c++)
        {
            if (crossings[c] is not { } crossing)
            {
                continue;
            }

            active.Add(c);
            var prefix = new int[crossing.Length + 1];
            for (var b = 0; b < crossing.Length; b++)
            {
                prefix[b + 1] = prefix[b] + (crossing[b] ? 1 : 0);
            }

            // Per grid cell: can a value in it fall in a crossing bucket? One byte read rejects most values.
            var baseline = columns[c].Baseline;
            var cells = new bool[baseline.Cells];
            for (var cell = 0; cell < cells.Length; cell++)
            {
                var (first, last) = baseline.CellBuckets(cell);
                cells[cell] = prefix[last + 1] != prefix[first];
            }

            flags[c] = cells;
        }

        var result = new Dictionary<int, float[]>[columns.Count];
        for (var c = 0; c < result.Length; c++)
        {
            result[c] = [];
        }

        if (active.Count == 0)
        {
            return result;
        }

        var partitions = HistogramScan.Partitions(rows);
        var found = new List<(int Bucket, float Value)>[partitions.Length][];
        Parallel.For(0, partitions.Length, new ParallelOptions { MaxDegreeOfParallelism = partitions.Length }, p =>
        {
            var lists = new List<(int, float)>[columns.Count];
            foreach (var c in active)
            {
                lists[c] = [];
            }

            var (start, end) = partitions[p];
            for (var block = start; block < end; block += BlockRows)
            {
                var blockEnd = Math.Min(end, block + BlockRows);
                foreach (var c in active)
                {
                    Collect(matrix, stride, columns[c], crossings[c]!, flags[c], block, blockEnd, lists[c]);
                }
            }

            found[p] = lists;
        });

        foreach (var c in active)
        {
            var byBucket = new Dictionary<int, List<float>>();
            foreach (var lists in found)
            {
                foreach (var (bucket, value) in lists[c])
                {
                    if (!byBucket.TryGetValue(bucket, out var values))
                    {
                        byBucket[bucket] = values = [];
                    }

                    values.Add(value);
                }
            }

            foreach (var (bucket, values) in byBucket)
            {
                var sorted = values.ToArray();
                Array.Sort(sorted);
                result[c][bucket] = sorted;
            }

            // A crossing bucket holds at least one live value (the CDF rises across it), so every one is now present.
        }

        return result;
    }

    private static void Collect(float[] matrix, int stride, ColumnSpec spec, bool[] crossing, bool[] cells, int start, int end, List<(int, float)> into)
    {
        var baseline = spec.Baseline;
        var (low, high) = (baseline.Values[0], baseline.Values[^1]);
        for (long i = (long)start * stride + spec.Column, last = (long)end * stride; i < last; i += stride)
        {
            var value = matrix[i];
            // Below the smallest or at or above the largest baseline value (or NaN) is bucket 0 or the last: never crossing.
            if (!(value >= low && value < high) || !cells[baseline.CellOf(value)])
            {
                continue;
            }

            var bucket = baseline.Bucket(value);
            if (crossing[bucket])
            {
                into.Add((bucket, value));
            }
        }
    }
}
