namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// A seeded uniform sample of at most <c>capacity</c> values (Vitter's algorithm R): exact quantiles while the column
/// fits, bounded memory after. The array grows with the data, so small files stay small.
/// </summary>
internal sealed class ReservoirSample(int capacity, int seed)
{
    private static readonly string[] QuantileKeys = ["p01", "p05", "p25", "p50", "p75", "p95", "p99"];
    private static readonly double[] QuantileLevels = [0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99];

    private readonly Random _random = new(seed);
    private double[] _values = new double[Math.Min(capacity, 1024)];
    private int _length;
    private long _seen;

    public void Add(double value)
    {
        _seen++;
        if (_length < capacity)
        {
            if (_length == _values.Length)
            {
                Array.Resize(ref _values, Math.Min(capacity, _values.Length * 2));
            }

            _values[_length++] = value;
            return;
        }

        var slot = _random.NextInt64(_seen);
        if (slot < capacity)
        {
            _values[slot] = value;
        }
    }

    /// <summary>p01 … p99 by linear interpolation between order statistics (NumPy's default); null when empty.</summary>
    public IReadOnlyDictionary<string, double>? Quantiles()
    {
        if (_length == 0)
        {
            return null;
        }

        var sorted = _values.AsSpan(0, _length).ToArray();
        Array.Sort(sorted);
        var quantiles = new Dictionary<string, double>(QuantileKeys.Length);
        for (var i = 0; i < QuantileKeys.Length; i++)
        {
            var position = QuantileLevels[i] * (sorted.Length - 1);
            var lower = (int)Math.Floor(position);
            var upper = Math.Min(lower + 1, sorted.Length - 1);
            quantiles[QuantileKeys[i]] = sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
        }

        return quantiles;
    }
}
