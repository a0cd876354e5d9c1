namespace AdmmNn.Core.Tests.Constraints;

/// <summary>Reference answers by enumeration, for small inputs only.</summary>
internal static class BruteForce
{
    public static double Distance2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++) s += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        return s;
    }

    /// <summary>All subsets of {0..n-1} of size k, as flags.</summary>
    public static IEnumerable<bool[]> Subsets(int n, int k)
    {
        var idx = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            var flags = new bool[n];
            foreach (var i in idx) flags[i] = true;
            yield return flags;
            var p = k - 1;
            while (p >= 0 && idx[p] == n - k + p) p--;
            if (p < 0) yield break;
            idx[p]++;
            for (var q = p + 1; q < k; q++) idx[q] = idx[q - 1] + 1;
        }
    }

    /// <summary>The smallest squared distance from x to any tensor keeping exactly the units flagged by a size-k subset
    /// (units given as a map weight index -> unit index).</summary>
    public static double BestSupport(float[] x, int units, int k, Func<int, int> unitOf)
    {
        var best = double.PositiveInfinity;
        foreach (var keep in Subsets(units, k))
        {
            double e = 0;
            for (var i = 0; i < x.Length; i++) if (!keep[unitOf(i)]) e += (double)x[i] * x[i];
            best = Math.Min(best, e);
        }
        return best;
    }

    /// <summary>
    /// The smallest squared distance from x to {s·v : v_i ∈ ±magnitudes, s ≥ 0}: every assignment of codes is
    /// enumerated and, for each, the closed-form best scale s = max(0, Σ x·v / Σ v²).
    /// </summary>
    public static double BestLevels(float[] x, double[] magnitudes)
    {
        var codes = magnitudes.SelectMany(m => m == 0 ? new[] { 0.0 } : new[] { m, -m }).Distinct().ToArray();
        var n = x.Length;
        var assign = new int[n];
        var best = double.PositiveInfinity;
        double c = x.Sum(v => (double)v * v);
        while (true)
        {
            double xv = 0, vv = 0;
            for (var i = 0; i < n; i++)
            {
                xv += x[i] * codes[assign[i]];
                vv += codes[assign[i]] * codes[assign[i]];
            }
            var s = vv > 0 ? Math.Max(0, xv / vv) : 0;
            best = Math.Min(best, c - 2 * s * xv + s * s * vv);
            var p = 0;
            while (p < n && ++assign[p] == codes.Length) assign[p++] = 0;
            if (p == n) break;
        }
        return best;
    }

    public static float[] RandomVector(Random rng, int n) =>
        [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * (rng.Next(4) == 0 ? 3 : 1))];
}
