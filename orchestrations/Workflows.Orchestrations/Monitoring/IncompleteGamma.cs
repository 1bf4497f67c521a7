namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), which gives the chi-square survival
/// function: P(χ²_k &gt;= s) = Q(k / 2, s / 2). .NET has no special functions and no served package adds them.
/// </summary>
/// <remarks>
/// The usual pair (Numerical Recipes, "gammq"): below x = a + 1 the power series of P = 1 - Q converges fast and Q is
/// not small there, so 1 - P loses nothing that matters; above it the continued fraction of Q converges fast and
/// keeps its relative precision however small Q gets (tiny p-values stay meaningful for ranking). Both run until a
/// term changes the result by less than a unit in the last place. ln Γ is Lanczos' approximation (g = 671/128,
/// 14 terms, relative error about 1e-15).
/// </remarks>
public static class IncompleteGamma
{
    private const int MaxIterations = 100_000;
    private const double Epsilon = 1e-16;
    private const double Tiny = 1e-300;

    private static readonly double[] Lanczos =
    [
        57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
        .339946499848118887e-4, .465236289270485756e-4, -.983744753048795646e-4, .158088703224912494e-3,
        -.210264441724104883e-3, .217439618115212643e-3, -.164318106536763890e-3, .844182239838527433e-4,
        -.261908384015814087e-4, .368991826595316234e-5,
    ];

    /// <summary>Q(a, x) for a &gt; 0 and x &gt;= 0.</summary>
    public static double UpperRegularized(double a, double x)
    {
        if (double.IsNaN(a) || double.IsNaN(x) || a <= 0 || x < 0)
        {
            return double.NaN;
        }

        if (x == 0)
        {
            return 1;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 0;
        }

        return x < a + 1 ? 1 - LowerSeries(a, x) : UpperContinuedFraction(a, x);
    }

    /// <summary>The chi-square distribution's survival function, P(χ²_df &gt;= statistic).</summary>
    public static double ChiSquareSurvival(double statistic, double degreesOfFreedom) =>
        statistic <= 0 ? 1 : UpperRegularized(degreesOfFreedom / 2, statistic / 2);

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (x <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "ln Γ is only needed, and defined here, for x > 0.");
        }

        var y = x;
        var tmp = x + 5.24218750000000000;
        tmp = (x + 0.5) * Math.Log(tmp) - tmp;
        var series = 0.999999999999997092;
        foreach (var c in Lanczos)
        {
            series += c / ++y;
        }

        return tmp + Math.Log(2.5066282746310005 * series / x);
    }

    // P(a, x) = e^-x x^a / Γ(a + 1) * sum over n of x^n / ((a + 1) ... (a + n)).
    private static double LowerSeries(double a, double x)
    {
        var ap = a;
        var term = 1 / a;
        var sum = term;
        for (var n = 0; n < MaxIterations; n++)
        {
            ap++;
            term *= x / ap;
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * Epsilon)
            {
                break;
            }
        }

        return Math.Clamp(sum * Math.Exp(-x + a * Math.Log(x) - LogGamma(a)), 0, 1);
    }

    // Q(a, x) = e^-x x^a / Γ(a) * 1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - ...)), by the modified Lentz method.
    private static double UpperContinuedFraction(double a, double x)
    {
        var b = x + 1 - a;
        var c = 1 / Tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i <= MaxIterations; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = b + an / c;
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < Epsilon)
            {
                break;
            }
        }

        return Math.Clamp(Math.Exp(-x + a * Math.Log(x) - LogGamma(a)) * h, 0, 1);
    }
}
