namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>
/// The Gauss error function (.NET has none). The runtime may not reference the engine, so this is the engine's
/// formula again: the Maclaurin series in double below |x| = 4, ±1 from there (erfc(4) is under half a float ulp of 1).
/// </summary>
internal static class ErrorFunction
{
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        if (Math.Abs(x) >= 4) return Math.Sign(x);
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.Abs(add) <= 1e-17 * Math.Abs(sum)) break;
        }
        return 1.1283791670955126 * sum;
    }
}
