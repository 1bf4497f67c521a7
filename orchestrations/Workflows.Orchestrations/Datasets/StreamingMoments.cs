using System.Runtime.CompilerServices;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// Count, min, max, mean and variance in one pass. Values wait in a block of 256; a full block is summarised exactly
/// two-pass (its mean, then its squared deviations from that mean) and merged into the totals with Chan's formula.
/// </summary>
/// <remarks>
/// Welford's update per value is as stable but divides per value, and each division waits for the previous one: on a
/// scan that was a tenth of the CPU. Blocks are cut every 256 values of the sequence, not by how the file was read, so
/// the same values in the same order give the same bits.
/// </remarks>
internal sealed class StreamingMoments
{
    private const int BlockSize = 256;

    private readonly double[] _block = new double[BlockSize];
    private int _pending;
    private long _count;
    private double _mean;
    private double _m2;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    public long Count => _count + _pending;

    public double Min
    {
        get
        {
            Fold();
            return _min;
        }
    }

    public double Max
    {
        get
        {
            Fold();
            return _max;
        }
    }

    public double Mean
    {
        get
        {
            Fold();
            return _mean;
        }
    }

    /// <summary>Population standard deviation.</summary>
    public double StdDev
    {
        get
        {
            Fold();
            return _count == 0 ? 0 : Math.Sqrt(_m2 / _count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called once per number: inlined into the scan's loop
    public void Add(double value)
    {
        _block[_pending++] = value;
        if (_pending == BlockSize)
        {
            Fold();
        }
    }

    /// <summary>Merges the waiting values into the totals.</summary>
    private void Fold()
    {
        if (_pending == 0)
        {
            return;
        }

        var values = _block.AsSpan(0, _pending);
        var n = values.Length;
        var mean = Sum(values) / n;
        var m2 = 0.0;
        foreach (var value in values)
        {
            var deviation = value - mean;
            m2 += deviation * deviation;
        }

        var total = _count + n;
        var delta = mean - _mean;
        _mean += delta * n / total;
        _m2 += m2 + (delta * delta * _count * n / total);
        _count = total;
        var (min, max) = (MinOf(values), MaxOf(values));
        _min = min < _min ? min : _min;
        _max = max > _max ? max : _max;
        _pending = 0;
    }

    /// <summary>Four interleaved partial sums: a fixed order (so fixed bits), without one long chain of additions.</summary>
    private static double Sum(ReadOnlySpan<double> values)
    {
        var (a, b, c, d) = (0.0, 0.0, 0.0, 0.0);
        var i = 0;
        for (; i + 4 <= values.Length; i += 4)
        {
            a += values[i];
            b += values[i + 1];
            c += values[i + 2];
            d += values[i + 3];
        }

        for (; i < values.Length; i++)
        {
            a += values[i];
        }

        return (a + b) + (c + d);
    }

    private static double MinOf(ReadOnlySpan<double> values)
    {
        var min = double.PositiveInfinity;
        foreach (var value in values)
        {
            min = value < min ? value : min;
        }

        return min;
    }

    private static double MaxOf(ReadOnlySpan<double> values)
    {
        var max = double.NegativeInfinity;
        foreach (var value in values)
        {
            max = value > max ? value : max;
        }

        return max;
    }
}
