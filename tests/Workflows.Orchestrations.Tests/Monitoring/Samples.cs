namespace Workflows.Orchestrations.Tests.Monitoring;

/// <summary>Seeded samples for the drift tests.</summary>
internal static class Samples
{
    /// <summary><paramref name="count"/> draws of N(mean, sd²) as floats, optionally rounded to multiples of <paramref name="step"/> (ties).</summary>
    public static float[] Normal(Random random, int count, double mean = 0, double sd = 1, double step = 0)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Box-Muller; 1 - NextDouble() is in (0, 1], so the logarithm is finite.
            var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var value = mean + sd * z;
            values[i] = (float)(step > 0 ? Math.Round(value / step) * step : value);
        }

        return values;
    }

    public static float[] Sorted(float[] values)
    {
        var copy = (float[])values.Clone();
        Array.Sort(copy);
        return copy;
    }
}
