using System.Runtime.CompilerServices;

namespace Workflows.Orchestrations.Datasets;

/// <summary>Exact counts over fixed bin edges; values outside the edges land in the first or last bin.</summary>
internal sealed class HistogramCounter
{
    public const int DefaultBins = 20;

    private readonly double[] _edges;
    private readonly long[] _counts;
    private readonly double _min;
    private readonly double _inverseWidth;
    private readonly bool _uniform;

    private HistogramCounter(double[] edges, bool uniform)
    {
        _edges = edges;
        _counts = new long[edges.Length - 1];
        _uniform = uniform;
        _min = edges[0];
        var width = edges[^1] - edges[0];
        _inverseWidth = width > 0 ? _counts.Length / width : 0;
    }

    public IReadOnlyList<long> Counts => _counts;

    /// <summary>Equal-width bins between min and max; one bin when they are equal.</summary>
    public static HistogramCounter Uniform(double min, double max)
    {
        if (!(max > min))
        {
            return new HistogramCounter([min, max], uniform: true);
        }

        var edges = new double[DefaultBins + 1];
        for (var i = 0; i <= DefaultBins; i++)
        {
            edges[i] = min + ((max - min) * i / DefaultBins);
        }

        edges[DefaultBins] = max;
        return new HistogramCounter(edges, uniform: true);
    }

    /// <summary>Bins of another histogram (a previous version's), for PSI on the same bins.</summary>
    public static HistogramCounter WithEdges(IReadOnlyList<double> edges) => new([.. edges], uniform: false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // in AddAll's loop over spilled blocks
    public void Add(double value)
    {
        int bin;
        if (_uniform)
        {
            bin = (int)((value - _min) * _inverseWidth);
        }
        else
        {
            // Bins are [e_i, e_i+1): the bin is the last edge at or below the value.
            var index = Array.BinarySearch(_edges, value);
            bin = index >= 0 ? index : ~index - 1;
        }

        _counts[Math.Clamp(bin, 0, _counts.Length - 1)]++;
    }

    /// <summary>As <see cref="Add"/> for each value: a block of spilled values without a call per value.</summary>
    public void AddAll(ReadOnlySpan<double> values)
    {
        foreach (var value in values)
        {
            Add(value);
        }
    }

    public Histogram ToHistogram() => new(_edges, _counts);
}
