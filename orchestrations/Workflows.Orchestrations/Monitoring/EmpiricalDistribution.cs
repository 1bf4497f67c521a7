using System.Runtime.CompilerServices;

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

    private readonly double _low;
    private readonly double _scale;
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
        // A uniform grid over the sample's range, four cells per distinct value, remembers how many distinct
        // values lie in the cells before each one; a lookup then steps over the few values in its own cell. The cell
        // of a value is computed by the same expression for the grid and for the lookup, and it is monotonic, so a
        // rounding at a cell border can never make the lookup skip a value.
        var cells = Math.Max(1, 4 * values.Length);
        _cellStart = new int[cells + 1];
        _lastCell = cells - 1;
        _low = values[0];
        var range = (double)values[^1] - values[0];
        _scale = range > 0 ? cells / range : 0;
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

    /// <summary>The bucket of a live value (not NaN): how many distinct baseline values are at or below it.</summary>
    /// <remarks>Inlined into the scan's loop (a call per value cost as much as the lookup); the rare crowded cell is not.</remarks>
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

    /// <summary>The grid cell of a value inside the sample's range (not NaN): for pre-filters keyed by cell.</summary>
    public int CellOf(float value) => Cell(value);

    /// <summary>Grid cells, and per cell the range of buckets a value in it can fall in.</summary>
    public int Cells => _cellFast.Length;

    /// <summary>The buckets a value in cell <paramref name="cell"/> can fall in: from the first to the last, inclusive.</summary>
    public (int First, int Last) CellBuckets(int cell) => (_cellStart[cell], _cellStart[cell + 1]);

    private int Cell(float value) => Math.Min((int)(((double)value - _low) * _scale), _lastCell);
}
