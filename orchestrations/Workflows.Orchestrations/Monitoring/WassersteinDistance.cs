using System.Numerics;

namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// The Wasserstein-1 (earth mover's) distance between two empirical distributions, the area between their CDFs,
/// as SciPy's <c>scipy.stats.wasserstein_distance</c> computes it; and its normalized form used for drift.
/// </summary>
/// <remarks>
/// The raw distance is in the feature's units (how far, on average, mass has to move), so one threshold cannot fit
/// every feature. Drift uses it divided by the baseline's standard deviation: 0.1 means the live distribution sits a
/// tenth of a training standard deviation away, whatever the units (a pure shift of the mean by k sd gives k). A
/// constant baseline has no spread: then the training range is used, and when that is zero too, the larger of the
/// constant's magnitude and 1 (<see cref="Scale"/>), so a constant column that stays put scores 0 and one that moves
/// scores a finite, comparable number, never NaN or infinity.
/// </remarks>
public static class WassersteinDistance
{
    /// <summary>The distance between two sorted samples without NaN: one merge, summing |F_a - F_b| times each step.</summary>
    public static double Distance(ReadOnlySpan<float> sortedA, ReadOnlySpan<float> sortedB)
    {
        if (sortedA.IsEmpty || sortedB.IsEmpty)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        int i = 0, j = 0;
        var distance = 0.0;
        double previous = Math.Min(sortedA[0], sortedB[0]);
        while (i < sortedA.Length || j < sortedB.Length)
        {
            double value = j == sortedB.Length || (i < sortedA.Length && sortedA[i] <= sortedB[j]) ? sortedA[i] : sortedB[j];
            distance += Math.Abs((double)i / sortedA.Length - (double)j / sortedB.Length) * (value - previous);
            while (i < sortedA.Length && sortedA[i] == value)
            {
                i++;
            }

            while (j < sortedB.Length && sortedB[j] == value)
            {
                j++;
            }

            previous = value;
        }

        return distance;
    }

    /// <summary>What a raw distance is divided by: the baseline's standard deviation, else its range, else max(|mean|, 1).</summary>
    public static double Scale(double stdDev, double min, double max, double mean)
    {
        if (stdDev > 0 && double.IsFinite(stdDev))
        {
            return stdDev;
        }

        var range = max - min;
        return range > 0 && double.IsFinite(range) ? range : Math.Max(Math.Abs(mean), 1);
    }

    /// <summary>
    /// The buckets where the baseline CDF crosses the live CDF strictly inside: only there does the distance need the
    /// live values themselves (<see cref="Distance(LiveHistogram, IReadOnlyDictionary{int, float[]})"/>).
    /// </summary>
    internal static bool[] CrossingBuckets(LiveHistogram live, out int count)
    {
        var baseline = live.Baseline;
        var crossing = new bool[live.Counts.Length];
        count = 0;
        long below = 0;
        // Bucket 0 (F_baseline = 0) and the last (F_baseline = 1) can never cross.
        for (var b = 1; b < live.Counts.Length - 1; b++)
        {
            below += live.Counts[b - 1];
            // Compared as integers: live share at the edge * n1 against the flat baseline share * n2.
            var flat = (long)baseline.AtOrBelow[b - 1] * live.Values;
            var atStart = (below + live.Ties[b]) * baseline.Count;
            var atEnd = (below + live.Counts[b]) * baseline.Count;
            if (atStart < flat && flat < atEnd)
            {
                crossing[b] = true;
                count++;
            }
        }

        return crossing;
    }

    /// <summary>
    /// The exact distance from a histogram and the live values of its crossing buckets, in any order.
    /// </summary>
    /// <param name="live">The live column's buckets.</param>
    /// <param name="crossingValues">Per crossing bucket, its live values. Reordered in place (a selection runs in each
    /// array), so one set must not be handed to two calls at once.</param>
    /// <remarks>
    /// In a bucket [a, b) the baseline CDF is a constant c. Where the live CDF stays on one side of c over the whole
    /// bucket, the area is c (b - a) minus the integral of the live CDF, or the reverse, and that integral only needs
    /// the count and the sum of (value - a) of the live values in it: ((below + count) (b - a) - sum) / n. Where it
    /// crosses c inside the bucket, it does so at one live value, w: the (k+1)-th smallest in the bucket, k the
    /// steps the live CDF can take without passing c. Below w the area is c - F, above it F - c, and each integral
    /// again needs only counts and sums: of the k values below w, and of the rest. Finding w is a selection, not a
    /// sort. Crossings are rare (where the two CDFs meet), so a second look at the data is cheap; with none there is none.
    /// </remarks>
    internal static double Distance(LiveHistogram live, IReadOnlyDictionary<int, float[]> crossingValues)
    {
        var baseline = live.Baseline;
        var values = baseline.Values;
        double n1 = baseline.Count, n2 = live.Values;
        var last = live.Counts.Length - 1;
        // Below the baseline: F_baseline = 0, the area is the live CDF's, sum (u0 - v) / n2.
        var distance = -live.Offsets[0] / n2;
        // At or above the largest baseline value: F_baseline = 1, the area is sum (v - u_last) / n2.
        distance += live.Offsets[last] / n2;
        long below = live.Counts[0];
        for (var b = 1; b < last; b++)
        {
            double a = values[b - 1], end = values[b];
            var width = end - a;
            var c = baseline.AtOrBelow[b - 1] / n1;
            var count = live.Counts[b];
            if (crossingValues.TryGetValue(b, out var inBucket))
            {
                // The live CDF after j of the bucket's values is (below + j) / n2, at or below c while j <= k (integers:
                // (below + j) n1 <= AtOrBelow n2). A crossing bucket has k < count, so w exists.
                var k = (int)(((baseline.AtOrBelow[b - 1] * live.Values) - (below * baseline.Count)) / baseline.Count);
                var w = Select(inBucket, k) - a;
                var belowW = 0.0;
                for (var i = 0; i < k; i++)
                {
                    belowW += (double)inBucket[i] - a;
                }

                var underC = c * w - (below * w + k * w - belowW) / n2;
                var overC = ((below + k) * (width - w) + (count - k) * width - (live.Offsets[b] - belowW)) / n2 - c * (width - w);
                distance += underC + overC;
            }
            else
            {
                var liveArea = ((below + count) * width - live.Offsets[b]) / n2;
                var flatArea = c * width;
                distance += (below + count) * n1 <= baseline.AtOrBelow[b - 1] * n2 ? flatArea - liveArea : liveArea - flatArea;
            }

            below += count;
        }

        return distance;
    }

    /// <summary>
    /// The (k+1)-th smallest value (index <paramref name="k"/> in sorted order), leaving the k smallest before it:
    /// Hoare's selection with median-of-three pivots; should the pivots keep splitting badly (input built to defeat
    /// them), what is left is sorted, so the cost stays O(n log n) at worst. The values are finite.
    /// </summary>
    private static float Select(float[] values, int k)
    {
        int left = 0, right = values.Length - 1;
        for (var rounds = 2 * BitOperations.Log2((uint)values.Length) + 4; left < right; rounds--)
        {
            if (rounds == 0)
            {
                values.AsSpan(left, right - left + 1).Sort();
                return values[k];
            }

            var middle = left + ((right - left) >> 1);
            var pivot = Median(values[left], values[middle], values[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            // Now [left, j] <= pivot <= [i, right], and anything strictly between j and i equals the pivot.
            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }

    private static float Median(float x, float y, float z) => Math.Max(Math.Min(x, y), Math.Min(Math.Max(x, y), z));
}
