namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// The one-sided Kolmogorov-Smirnov (Smirnov) statistic's exact tail for a finite sample, P(D_n+ &gt;= x): what SciPy's
/// <c>scipy.special.smirnov</c> computes, used for the two-sided tail where the two sides cannot both be reached.
/// </summary>
internal static class Smirnov
{
    // SciPy switches to an approximation above a million; a baseline of at most 5,000 rows never gets there.
    private const int MaxExactN = 1_000_000;
    private const double MinLog = -708.3964185322641;

    public static double Survival(int n, double x)
    {
        if (double.IsNaN(x) || n <= 0 || x < 0 || x > 1)
        {
            return double.NaN;
        }

        if (n == 1)
        {
            return 1 - x;
        }

        if (x == 0)
        {
            return 1;
        }

        if (x == 1)
        {
            return 0;
        }

        var nx = n * x;
        var nxFloor = (int)Math.Floor(nx);
        if (nxFloor == 0 || (nxFloor == 1 && nx == 1))
        {
            // x <= 1/n: the CDF is x (1 + x)^(n - 1).
            return Math.Clamp(1 - x * Math.Pow(1 + x, n - 1), 0, 1);
        }

        if (-2 * n * x * x < MinLog)
        {
            return 0;
        }

        if (nxFloor >= n - 1)
        {
            return Math.Pow(1 - x, n);
        }

        if (n > MaxExactN)
        {
            // Moderate-deviation approximation, as SciPy.
            return Math.Exp(-Math.Pow(6.0 * n * x + 1, 2) / 18.0 / n);
        }

        // Birnbaum-Tingey: P(D_n+ >= x) = x * sum over j = 0 .. floor(n (1 - x)) of
        // C(n, j) (1 - x - j/n)^(n - j) (x + j/n)^(j - 1), leaving out the j where 1 - x - j/n is exactly 0.
        // Every term is positive, so summing their logarithms' exponentials loses nothing to cancellation.
        var last = n - nxFloor - 1;
        var logBinomial = 0.0;
        var sum = 0.0;
        for (var j = 0; j <= last; j++)
        {
            if (j > 0)
            {
                logBinomial += Math.Log((double)(n - j + 1) / j);
            }

            var upper = (double)(n - j) / n - x;
            if (upper <= 0)
            {
                break;
            }

            var logTerm = logBinomial + (n - j) * Math.Log(upper) + (j - 1) * Math.Log(x + (double)j / n);
            sum += Math.Exp(logTerm);
        }

        return Math.Clamp(x * sum, 0, 1);
    }
}
