using System.Runtime.CompilerServices;

namespace Workflows.Orchestrations.Datasets;

/// <summary>Count, min, max, mean and variance in one pass (Welford: no catastrophic cancellation on large offsets).</summary>
internal sealed class StreamingMoments
{
    private double _mean;
    private double _m2;

    public long Count { get; private set; }

    public double Min { get; private set; } = double.PositiveInfinity;

    public double Max { get; private set; } = double.NegativeInfinity;

    public double Mean => _mean;

    /// <summary>Population standard deviation.</summary>
    public double StdDev => Count == 0 ? 0 : Math.Sqrt(_m2 / Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called once per number: inlined into the scan's loop
    public void Add(double value)
    {
        Count++;
        var delta = value - _mean;
        _mean += delta / Count;
        _m2 += delta * (value - _mean);
        if (value < Min)
        {
            Min = value;
        }

        if (value > Max)
        {
            Max = value;
        }
    }
}
