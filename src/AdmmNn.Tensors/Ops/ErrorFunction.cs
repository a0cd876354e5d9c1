namespace AdmmNn.Tensors.Ops;

/// <summary>The Gauss error function in double precision (.NET has none): what Erf and exact Gelu need.</summary>
internal static class ErrorFunction
{
    private const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>
    /// erf(x). Below |x| = 4 the Maclaurin series, summed in double (at most ~7 of 16 digits cancel, leaving far more
    /// than float needs); from 4 on, erf is ±1 to within 1.6e-8, less than half a float ulp of 1.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        if (Math.Abs(x) >= 4)
        {
            return Math.Sign(x);
        }

        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.Abs(add) <= 1e-17 * Math.Abs(sum))
            {
                break;
            }
        }

        return TwoOverSqrtPi * sum;
    }

    /// <summary>d erf / dx = 2/√π · exp(−x²).</summary>
    public static double Derivative(double x) => TwoOverSqrtPi * Math.Exp(-x * x);
}
