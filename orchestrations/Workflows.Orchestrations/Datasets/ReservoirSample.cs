using System.Runtime.CompilerServices;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// A seeded uniform sample of at most <c>capacity</c> values (Li's algorithm L: once full, it draws how many values to
/// skip, so a random number is drawn only per replacement, not per value): exact quantiles while the column fits,
/// bounded memory after. The array grows with the data, so small files stay small.
/// </summary>
internal sealed class ReservoirSample(int capacity, int seed)
{
    private static readonly string[] QuantileKeys = ["p01", "p05", "p25", "p50", "p75", "p95", "p99"];
    private static readonly double[] QuantileLevels = [0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99];

    private readonly SeededRandom _random = new(seed);
    private readonly double _inverseCapacity = 1.0 / capacity;
    private double[] _values = new double[Math.Min(capacity, 1024)];
    private int _length;
    private long _seen;
    private long _nextReplaced;
    private double _weight;

    /// <summary>Adds the next value; once the sample is full, most values are only counted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called once per number: the common case inlines into the scan's loop
    public void Add(double value)
    {
        if (++_seen == _nextReplaced || _length < capacity)
        {
            Keep(value);
        }
    }

    private void Keep(double value)
    {
        if (_length < capacity)
        {
            if (_length == _values.Length)
            {
                Array.Resize(ref _values, Math.Min(capacity, _values.Length * 2));
            }

            _values[_length++] = value;
            if (_length == capacity)
            {
                _weight = Math.Exp(Math.Log(_random.NextPositiveDouble()) * _inverseCapacity);
                ScheduleNext();
            }

            return;
        }

        _values[_random.Next(capacity)] = value;
        _weight *= Math.Exp(Math.Log(_random.NextPositiveDouble()) * _inverseCapacity);
        ScheduleNext();
    }

    private void ScheduleNext() =>
        _nextReplaced = _seen + (long)Math.Floor(Math.Log(_random.NextPositiveDouble()) / Math.Log(1 - _weight)) + 1;

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
