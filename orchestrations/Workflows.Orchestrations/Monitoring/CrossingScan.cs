namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// The second, selective pass the exact Wasserstein distance needs: the live values of the few buckets where the two
/// CDFs cross (<see cref="WassersteinDistance.CrossingBuckets"/>), grouped by bucket.
/// </summary>
/// <remarks>
/// Most values are rejected by their grid cell alone (<see cref="EmpiricalDistribution.Screen"/>, eight at a time): no
/// crossing bucket can hold them. Only the rest get the full lookup. Columns without a crossing are skipped entirely.
/// </remarks>
internal static class CrossingScan
{
    public static Dictionary<int, float[]>[] Run(int rows, IReadOnlyList<ColumnSpec> columns, IReadOnlyList<bool[]?> crossings)
    {
        var active = new List<int>();
        var flags = new int[columns.Count][];
        for (var c = 0; c < columns.Count; c++)
        {
            if (crossings[c] is { } crossing)
            {
                active.Add(c);
                flags[c] = CellsWithCrossing(columns[c].Baseline, crossing);
            }
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
            var (start, end) = partitions[p];
            var picked = new int[HistogramScan.ChunkRows];
            var lists = new List<(int, float)>[columns.Count];
            foreach (var c in active)
            {
                lists[c] = [];
                for (var chunk = start; chunk < end; chunk += HistogramScan.ChunkRows)
                {
                    var values = columns[c].Values.AsSpan(chunk, Math.Min(HistogramScan.ChunkRows, end - chunk));
                    Collect(columns[c].Baseline, values, picked, crossings[c]!, flags[c], lists[c]);
                }
            }

            found[p] = lists;
        });

        // Grouped by bucket, a column per thread: counted first, so each bucket's array is allocated once.
        Parallel.ForEach(active, c =>
        {
            var counts = new int[crossings[c]!.Length];
            foreach (var lists in found)
            {
                foreach (var (bucket, _) in lists[c])
                {
                    counts[bucket]++;
                }
            }

            var byBucket = new float[counts.Length][];
            var filled = new int[counts.Length];
            foreach (var lists in found)
            {
                foreach (var (bucket, value) in lists[c])
                {
                    (byBucket[bucket] ??= new float[counts[bucket]])[filled[bucket]++] = value;
                }
            }

            // A crossing bucket holds at least one live value (the CDF rises across it), so every one is now present.
            for (var bucket = 0; bucket < byBucket.Length; bucket++)
            {
                if (byBucket[bucket] is { } values)
                {
                    result[c][bucket] = values;
                }
            }
        });

        return result;
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

    private static void Collect(EmpiricalDistribution baseline, ReadOnlySpan<float> values, int[] picked, bool[] crossing, int[] cellMarks, List<(int, float)> into)
    {
        // Outside the range (bucket 0, the last, or NaN) is never a crossing: the CDFs cannot cross where the baseline's is 0 or 1.
        var count = baseline.Screen(values, cellMarks, picked);
        for (var k = 0; k < count; k++)
        {
            var value = values[picked[k]];
            var bucket = baseline.Bucket(value);
            if (crossing[bucket])
            {
                into.Add((bucket, value));
            }
        }
    }
}
