namespace Workflows.Orchestrations.Monitoring;

/// <summary>
/// Survival function of the two-sided one-sample Kolmogorov-Smirnov statistic D_n for a finite n: P(D_n &gt;= x).
/// The two-sample KS test evaluates it at the effective n (<see cref="KolmogorovSmirnov.PValue"/>), as SciPy's
/// <c>ks_2samp(method="asymp")</c> does through <c>kstwo.sf</c>.
/// </summary>
/// <remarks>
/// SciPy (1.5 and later) does not use the limiting Kolmogorov series here but the exact finite-n distribution, with
/// the algorithm choice of Simard and L'Ecuyer (2011), "Computing the Two-Sided Kolmogorov-Smirnov Distribution":
/// Ruben-Gambino's closed forms at the ends, Durbin's matrix (Marsaglia-Tsang-Wang), Pomeranz's recursion for small
/// n, twice the one-sided Smirnov tail where the two tails cannot overlap, and the Pelz-Good expansion for large n.
/// This is the same choice, region by region, so p-values agree with SciPy's to rounding. The one-sided Smirnov tail
/// is the Birnbaum-Tingey sum of positive terms, summed in logarithms (SciPy uses double-double arithmetic; with
/// positive terms the double sum is accurate to about 1e-12 relative for the n a baseline allows).
/// </remarks>
public static class KolmogorovDistribution
{
    private const double Scale = 3.402823669209385e38; // 2^128
    private const double InverseScale = 2.938735877055719e-39; // 2^-128

    private static readonly double[] Stirling =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    /// <summary>P(D_n &gt;= x) for the two-sided statistic of a sample of <paramref name="n"/> values.</summary>
    public static double Survival(int n, double x)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x >= 1)
        {
            return 0;
        }

        if (x <= 0)
        {
            return 1;
        }

        var t = n * x;
        if (t <= 1)
        {
            // Ruben-Gambino: for 1/(2n) <= x <= 1/n the CDF is n!/n^n (2t - 1)^n.
            if (t <= 0.5)
            {
                return 1;
            }

            double cdf;
            if (n <= 140)
            {
                cdf = 1;
                for (var i = 1; i <= n; i++)
                {
                    cdf *= i * (1.0 / n) * (2 * t - 1);
                }
            }
            else
            {
                cdf = Math.Exp(LogFactorialOverPower(n) + n * Math.Log(2 * t - 1));
            }

            return Clip(1 - cdf);
        }

        if (t >= n - 1)
        {
            return Clip(2 * Math.Pow(1 - x, n));
        }

        if (x >= 0.5)
        {
            // Above 1/2 the two one-sided tails are disjoint: exactly twice one of them.
            return Clip(2 * Smirnov.Survival(n, x));
        }

        var nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693)
            {
                return Clip(1 - Durbin(n, x));
            }

            if (nxSquared <= 4)
            {
                return Clip(1 - Pomeranz(n, x));
            }

            return Clip(2 * Smirnov.Survival(n, x));
        }

        if (nxSquared >= 370)
        {
            return 0;
        }

        if (nxSquared >= 2.2)
        {
            return Clip(2 * Smirnov.Survival(n, x));
        }

        var lower = n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4 ? Durbin(n, x) : PelzGood(n, x);
        return Clip(1 - lower);
    }

    /// <summary>log(n! / n^n) by Stirling's series, with n log n taken out first so nothing cancels.</summary>
    internal static double LogFactorialOverPower(int n)
    {
        var rn = 1.0 / n;
        var polynomial = 0.0;
        foreach (var c in Stirling)
        {
            polynomial = polynomial * (rn / n) + c;
        }

        return Math.Log(n) / 2 - n + Math.Log(2 * Math.PI) / 2 + rn * polynomial;
    }

    /// <summary>P(D_n &lt;= d) by Durbin's matrix, as Marsaglia, Tsang and Wang compute it: the k-th diagonal entry of H^n, scaled.</summary>
    private static double Durbin(int n, double d)
    {
        var nd = n * d;
        if (nd <= 0.5)
        {
            return 0;
        }

        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = 2 * k - 1;
        var v = new double[m];
        var w = new double[m];
        var factorial = 1.0;
        for (var j = 1; j <= m; j++)
        {
            w[j - 1] = factorial;
            factorial /= j;
            v[j - 1] = (1.0 - Math.Pow(h, j)) * factorial;
        }

        var tt = Math.Pow(Math.Max(2 * h - 1.0, 0), m) - 2 * Math.Pow(h, m);
        v[m - 1] = (1.0 + tt) * factorial;
        var matrix = new double[m, m];
        for (var i = 1; i < m; i++)
        {
            for (var r = i - 1; r < m; r++)
            {
                matrix[r, i] = w[r - (i - 1)];
            }
        }

        for (var r = 0; r < m; r++)
        {
            matrix[r, 0] = v[r];
        }

        for (var c = 0; c < m; c++)
        {
            matrix[m - 1, c] = v[m - 1 - c];
        }

        // Square-and-multiply, rescaling by 2^128 whenever the entries grow, with the scale kept as an exponent.
        var power = Identity(m);
        var exponent = 0;
        var matrixExponent = 0;
        for (var remaining = n; remaining > 0; remaining /= 2)
        {
            if (remaining % 2 == 1)
            {
                power = Multiply(power, matrix);
                exponent += matrixExponent;
            }

            matrix = Multiply(matrix, matrix);
            matrixExponent *= 2;
            if (Math.Abs(matrix[k - 1, k - 1]) > Scale)
            {
                Divide(matrix, Scale);
                matrixExponent += 128;
            }
        }

        var p = power[k - 1, k - 1];
        for (var i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < InverseScale)
            {
                p *= Scale;
                exponent -= 128;
            }
        }

        return Math.ScaleB(p, exponent);
    }

    /// <summary>P(D_n &lt;= x) by Pomeranz's recursion (convolutions with Poisson-like weights, two rows at a time).</summary>
    private static double Pomeranz(int n, double x)
    {
        var t = n * x;
        var ll = (int)Math.Floor(t);
        var f = t - ll;
        var g = Math.Min(f, 1.0 - f);
        var ceilF = f > 0 ? 1 : 0;
        var roundF = f > 0.5 ? 1 : 0;
        var powers = 2 * (ll + 1);
        var gPower = new double[powers];
        var twoGPower = new double[powers];
        var oneMinusTwoGPower = new double[powers];
        gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1;
        for (var m = 1; m < powers; m++)
        {
            gPower[m] = gPower[m - 1] * (g / n) / m;
            twoGPower[m] = twoGPower[m - 1] * (2 * g / n) / m;
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * ((1 - 2 * g) / n) / m;
        }

        var v0 = new double[powers];
        var v1 = new double[powers];
        v1[0] = 1;
        int v0Start = 0, v1Start = 0, exponent = 0;
        var (j1, _) = Interval(0, n, ll, ceilF, roundF);
        for (var i = 1; i < 2 * n + 2; i++)
        {
            var k1 = j1;
            (v0, v1) = (v1, v0);
            (v0Start, v1Start) = (v1Start, v0Start);
            Array.Clear(v1);
            (j1, var j2) = Interval(i, n, ll, ceilF, roundF);
            var weights = i == 1 || i == 2 * n + 1 ? gPower : i % 2 == 1 ? twoGPower : oneMinusTwoGPower;
            var length = j2 - k1 + 1;
            if (length > 0)
            {
                // Entries j1-k1 .. j2-k1 of the full convolution of v0[k1-v0Start ..][..length] with weights[..length].
                var source = k1 - v0Start;
                var first = j1 - k1;
                var count = j2 - j1 + 1;
                // The slice of the previous row stops at its end, as a NumPy slice does.
                var available = Math.Min(length, powers - source);
                var largest = 0.0;
                for (var e = 0; e < count; e++)
                {
                    var at = first + e;
                    var sum = 0.0;
                    for (var a = Math.Max(0, at - (length - 1)); a <= Math.Min(at, available - 1); a++)
                    {
                        sum += v0[source + a] * weights[at - a];
                    }

                    v1[e] = sum;
                    largest = Math.Max(largest, sum);
                }

                if (largest > 0 && largest < InverseScale)
                {
                    for (var e = 0; e < count; e++)
                    {
                        v1[e] *= Scale;
                    }

                    exponent -= 128;
                }

                v1Start = v0Start + j1 - k1;
            }
        }

        var answer = v1[n - v1Start];
        for (var m = 1; m <= n; m++)
        {
            if (Math.Abs(answer) > Scale)
            {
                answer *= InverseScale;
                exponent += 128;
            }

            answer *= m;
        }

        return Math.ScaleB(answer, exponent);
    }

    private static (int J1, int J2) Interval(int i, int n, int ll, int ceilF, int roundF)
    {
        int j1, j2;
        if (i == 0)
        {
            (j1, j2) = (-ll - ceilF - 1, ll + ceilF - 1);
        }
        else
        {
            var (half, odd) = Math.DivRem(i + 1, 2);
            if (odd == 0)
            {
                (j1, j2) = half == n + 1
                    ? (n - ll - ceilF - 1, n + ll + ceilF - 1)
                    : (half - 1 - ll - roundF - 1, half + ll - 1 + ceilF - 1);
            }
            else
            {
                (j1, j2) = (half - 1 - ll - 1, half + ll + roundF - 1);
            }
        }

        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary>P(D_n &lt;= x) by the Pelz-Good expansion of the Li-Chien/Korolyuk series, in powers of 1/sqrt(n).</summary>
    private static double PelzGood(int n, double x)
    {
        var z = Math.Sqrt(n) * x;
        double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
        var qLog = -(Math.PI * Math.PI) / 8 / z2;
        if (qLog < -708)
        {
            return 0;
        }

        var q = Math.Exp(qLog);
        const double pi2 = Math.PI * Math.PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
        var k1a = -z2;
        var k1b = pi2 / 4;
        var k2a = 6 * z6 + 2 * z4;
        var k2b = (2 * z4 - 5 * z2) * pi2 / 4;
        var k2c = pi4 * (1 - 2 * z2) / 16;
        var k3d = pi6 * (5 - 30 * z2) / 64;
        var k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
        var k3b = pi2 * (135 * z4 - 96 * z6) / 4;
        var k3a = -30 * z6 - 90 * Math.Pow(z, 8);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var maxK = (int)Math.Ceiling(16 * z / Math.PI);
        for (var k = maxK; k > 0; k--)
        {
            // Horner in q^8k over the odd m = 2k - 1.
            var m = 2.0 * k - 1;
            double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            var qPower = Math.Pow(q, 8 * k);
            s0 = s0 * qPower + 1.0;
            s1 = s1 * qPower + (k1a + k1b * m2);
            s2 = s2 * qPower + (k2a + k2b * m2 + k2c * m4);
            s3 = s3 * qPower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
        }

        var sqrt2Pi = Math.Sqrt(2 * Math.PI);
        s0 = s0 * q * sqrt2Pi / z;
        s1 = s1 * q * sqrt2Pi / (6 * z4);
        s2 = s2 * q * sqrt2Pi / (72 * Math.Pow(z, 7));
        s3 = s3 * q * sqrt2Pi / (6480 * Math.Pow(z, 10));
        var q2 = Math.Exp(-pi2 / 2 / z2);
        var sqrt3z = Math.Sqrt(3) * z;
        double k2Extra = 0, k3Extra = 0;
        for (var k = maxK; k > 0; k--)
        {
            var k2 = (double)k * k;
            var qk = Math.Pow(q2, k2);
            k2Extra += k2 * qk;
            var kPi = Math.PI * k;
            k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qk;
        }

        s2 += k2Extra * pi2 * sqrt2Pi / (-36 * z3);
        s3 += k3Extra * pi2 * sqrt2Pi / (216 * z6);
        return s0 + s1 / Math.Sqrt(n) + s2 / n + s3 / Math.Pow(n, 1.5);
    }

    private static double[,] Identity(int m)
    {
        var identity = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            identity[i, i] = 1;
        }

        return identity;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = a.GetLength(0);
        var product = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            for (var k = 0; k < m; k++)
            {
                var aik = a[i, k];
                if (aik == 0)
                {
                    continue;
                }

                for (var j = 0; j < m; j++)
                {
                    product[i, j] += aik * b[k, j];
                }
            }
        }

        return product;
    }

    private static void Divide(double[,] matrix, double by)
    {
        var m = matrix.GetLength(0);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++)
            {
                matrix[i, j] /= by;
            }
        }
    }

    private static double Clip(double p) => Math.Clamp(p, 0, 1);
}
