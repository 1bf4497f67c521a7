namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// A seeded uniform sample of <c>min(capacity, count)</c> of a column's <c>count</c> values, drawn as the values pass
/// in order once their count is known (Knuth's selection sampling, Algorithm S: each value is taken with probability
/// still needed / still to come). A column that fits is kept whole, so its quantiles are exact.
/// </summary>
/// <remarks>
/// The values come back from the <see cref="NumberSpill"/> after the pass, when the count is known. A reservoir filled
/// during the pass, not knowing it, replaced a random slot and drew three logarithms for each of millions of values
/// per large file; this draws one cheap number per value, off the pass's hot loop.
/// </remarks>
internal sealed class UniformSample
{
    private static readonly string[] QuantileKeys = ["p01", "p05", "p25", "p50", "p75", "p95", "p99"];
    private static readonly double[] QuantileLevels = [0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99];

    private readonly SeededRandom _random;
    private readonly double[] _values;
    private long _remaining;
    private int _length;

    public UniformSample(int capacity, long count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _random = new SeededRandom(seed);
        _values = new double[Math.Min(capacity, count)];
        _remaining = count;
    }

    /// <summary>The values taken so far, in the order they came.</summary>
    public ReadOnlySpan<double> Values => _values.AsSpan(0, _length);

    /// <summary>Offers the next values, in order; offering more than the count given at the start is an error.</summary>
    public void AddAll(ReadOnlySpan<double> values)
    {
        if (values.Length > _remaining)
        {
            throw new InvalidOperationException($"the sample was sized for {_remaining} more value(s) but was offered {values.Length}");
        }

        if (_remaining == _values.Length - _length)
        {
            // Every value left is needed: the column fits.
            values.CopyTo(_values.AsSpan(_length));
            _length += values.Length;
            _remaining -= values.Length;
            return;
        }

        foreach (var value in values)
        {
            if (_random.NextDouble() * _remaining-- < _values.Length - _length)
            {
                _values[_length++] = value;
            }
        }
    }

    /// <summary>p01 … p99 by linear interpolation between order statistics (NumPy's default); null when empty.</summary>
    public IReadOnlyDictionary<string, double>? Quantiles()
    {
        if (_length == 0)
        {
            return null;
        }

        var sorted = Values.ToArray();
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
