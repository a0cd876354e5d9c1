namespace AdmmNn.Core.Constraints;

/// <summary>
/// Chooses the k highest-scoring units. Ties are broken by the lower index, so equal inputs give equal outputs
/// and the choice never depends on sort stability.
/// </summary>
public static class TopK
{
    /// <summary>Returns a flag per unit: true for the <paramref name="k"/> highest scores (lower index first on ties).</summary>
    public static bool[] Select(ReadOnlySpan<double> scores, int k)
    {
        var n = scores.Length;
        var keep = new bool[n];
        if (k <= 0) return keep;
        if (k >= n)
        {
            Array.Fill(keep, true);
            return keep;
        }
        var order = new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        var s = scores.ToArray();
        // Descending score, then ascending index: a total order, so the result is unique.
        Array.Sort(order, (a, b) =>
        {
            var c = s[b].CompareTo(s[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        for (var i = 0; i < k; i++) keep[order[i]] = true;
        return keep;
    }

    /// <summary>
    /// The number of units to keep for a keep fraction: round(units × keep), at least 1 and at most <paramref name="units"/>.
    /// </summary>
    public static int CountFor(int units, double keep)
    {
        if (units <= 0) return 0;
        var k = (int)Math.Round(units * keep, MidpointRounding.AwayFromZero);
        return Math.Clamp(k, 1, units);
    }
}
