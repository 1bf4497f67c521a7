using System.Globalization;

namespace Workflows.Orchestrations.Pipelines;

/// <summary>The values a number in a pipeline file may take.</summary>
/// <param name="Min">Lower bound.</param>
/// <param name="Max">Upper bound (inclusive).</param>
/// <param name="MinExclusive">Whether <paramref name="Min"/> itself is refused.</param>
internal readonly record struct NumberBounds(double Min, double Max, bool MinExclusive = false)
{
    /// <summary>A share, 0 to 1 inclusive.</summary>
    public static readonly NumberBounds Fraction = new(0, 1);

    /// <summary>A share that must leave something: above 0, at most 1.</summary>
    public static readonly NumberBounds PositiveFraction = new(0, 1, MinExclusive: true);

    public static readonly NumberBounds Positive = new(0, double.PositiveInfinity, MinExclusive: true);

    public static readonly NumberBounds NonNegative = AtLeast(0);

    public static readonly NumberBounds Any = new(double.NegativeInfinity, double.PositiveInfinity);

    public static NumberBounds AtLeast(double min) => new(min, double.PositiveInfinity);

    public bool Contains(double value) =>
        (MinExclusive ? value > Min : value >= Min) && value <= Max;

    public string Describe()
    {
        var (min, max) = (Min.ToString(CultureInfo.InvariantCulture), Max.ToString(CultureInfo.InvariantCulture));
        return double.IsPositiveInfinity(Max)
            ? (MinExclusive ? $"greater than {min}" : $"at least {min}")
            : $"in {(MinExclusive ? "(" : "[")}{min}, {max}]";
    }
}
