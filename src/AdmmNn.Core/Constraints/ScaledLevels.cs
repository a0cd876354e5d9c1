namespace AdmmNn.Core.Constraints;

/// <summary>
/// A symmetric level set <c>{±s·m_j}</c> with fixed relative magnitudes <c>0 ≤ m_0 &lt; m_1 &lt; … &lt; m_L</c> and a free
/// scale s &gt; 0 (e.g. equal-interval: m = 0,1,…,q; power-of-two: 0, 2^-(L-1), …, 1; binary: m = 1).
/// <see cref="OptimalScale"/> finds the scale whose nearest-level rounding minimizes the squared error, EXACTLY:
/// for a fixed assignment of weights to levels the error is the quadratic C − 2sA + s²B; the assignment only changes
/// at the breakpoints s = |w| / ((m_j + m_{j+1})/2), so sweeping s downward through all breakpoints (a merge of L
/// sorted lists, O(nL log L)) and minimizing the quadratic on every interval between them visits the global optimum.
/// </summary>
public sealed class ScaledLevels
{
    private readonly double[] _magnitudes;

    /// <summary>Creates the set from strictly increasing, non-negative relative magnitudes.</summary>
    public ScaledLevels(IReadOnlyList<double> magnitudes)
    {
        if (magnitudes.Count == 0) throw new ArgumentException("at least one magnitude is needed", nameof(magnitudes));
        for (var j = 0; j < magnitudes.Count; j++)
        {
            if (magnitudes[j] < 0 || (j > 0 && magnitudes[j] <= magnitudes[j - 1]))
                throw new ArgumentException("magnitudes must be non-negative and strictly increasing", nameof(magnitudes));
        }
        _magnitudes = [.. magnitudes];
    }

    /// <summary>The relative magnitudes, ascending.</summary>
    public IReadOnlyList<double> Magnitudes => _magnitudes;

    /// <summary>True when zero is one of the levels.</summary>
    public bool HasZero => _magnitudes[0] == 0;

    /// <summary>Equal-interval k-bit symmetric levels: magnitudes 0..2^(k−1)−1 (2^k − 1 levels, zero included).</summary>
    public static ScaledLevels EqualInterval(int bits)
    {
        var q = (1 << (bits - 1)) - 1;
        return new ScaledLevels([.. Enumerable.Range(0, q + 1).Select(i => (double)i)]);
    }

    /// <summary>Power-of-two k-bit levels: 0 and ±2^-e for e = 0..2^(k−1)−2 (2^k − 1 levels).</summary>
    public static ScaledLevels PowerOfTwo(int bits)
    {
        var count = (1 << (bits - 1)) - 1;
        return new ScaledLevels([0.0, .. Enumerable.Range(0, count).Select(e => Math.Pow(2, -(count - 1 - e)))]);
    }

    /// <summary>The scale minimizing Σ (|w_i| − s·m(w_i,s))² with m(w,s) the nearest level; 0 when every weight is zero.</summary>
    public double OptimalScale(ReadOnlySpan<float> weights)
    {
        var m = _magnitudes;
        var levels = m.Length;
        var positive = new List<double>(weights.Length);
        double c = 0;
        foreach (var w in weights)
        {
            var a = Math.Abs((double)w);
            c += a * a;
            if (a > 0) positive.Add(a);
        }
        if (positive.Count == 0) return 0;
        var xs = positive.ToArray();
        Array.Sort(xs);
        Array.Reverse(xs); // descending: within one transition list, breakpoints then come in descending s.
        var n = weights.Length;
        double sumAbs = 0;
        foreach (var x in xs) sumAbs += x;

        // At s → ∞ every weight sits on the smallest level m_0.
        var A = m[0] * sumAbs;
        var B = n * m[0] * m[0];
        double bestError = double.PositiveInfinity, bestScale = 0;
        void Consider(double lo, double hi)
        {
            double s;
            if (B <= 0) s = double.IsPositiveInfinity(hi) ? (lo > 0 ? lo * 2 : 1) : hi;
            else s = Math.Clamp(A / B, lo, hi);
            if (!(s > 0)) return; // the scale must be positive; s → 0 is never better than a positive candidate.
            var e = c - 2 * s * A + s * s * B;
            if (e < bestError)
            {
                bestError = e;
                bestScale = s;
            }
        }

        if (levels == 1)
        {
            Consider(0, double.PositiveInfinity);
            return bestScale;
        }
        var mids = new double[levels - 1];
        for (var j = 0; j + 1 < levels; j++) mids[j] = (m[j] + m[j + 1]) / 2;
        // Heap of transition lists j (level j → j+1), each positioned at its next weight; keyed by breakpoint, largest first.
        var position = new int[levels - 1];
        var heap = new PriorityQueue<int, double>(levels - 1);
        for (var j = 0; j + 1 < levels; j++) heap.Enqueue(j, -(xs[0] / mids[j]));
        var upper = double.PositiveInfinity;
        while (heap.TryDequeue(out var j, out var negBreak))
        {
            var breakpoint = -negBreak;
            Consider(breakpoint, upper);
            var x = xs[position[j]];
            A += x * (m[j + 1] - m[j]);
            B += m[j + 1] * m[j + 1] - m[j] * m[j];
            upper = breakpoint;
            if (++position[j] < xs.Length) heap.Enqueue(j, -(xs[position[j]] / mids[j]));
        }
        Consider(0, upper);
        return bestScale;
    }

    /// <summary>Rounds every weight to the nearest level ±scale·m_j (lower magnitude on exact ties; +0 for zero weights
    /// only when zero is a level, else the positive smallest level).</summary>
    public void Round(ReadOnlySpan<float> input, Span<float> output, double scale)
    {
        var m = _magnitudes;
        if (!(scale > 0))
        {
            output.Clear();
            return;
        }
        for (var i = 0; i < input.Length; i++)
        {
            var w = (double)input[i];
            var r = Math.Abs(w) / scale;
            // Levels are few and sorted: a binary search for the first level above r, then pick the nearer neighbour.
            int lo = 0, hi = m.Length - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (m[mid] < r) lo = mid + 1; else hi = mid;
            }
            var k = lo;
            if (k > 0 && r - m[k - 1] <= m[k] - r) k--;
            // Float arithmetic on purpose: the stored form is (float)scale × code, so the packed model reproduces
            // these values bit for bit.
            var value = (float)scale * (float)m[k];
            output[i] = w < 0 ? -value : value;
        }
    }
}
