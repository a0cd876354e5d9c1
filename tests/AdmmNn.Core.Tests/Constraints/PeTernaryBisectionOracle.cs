
using AdmmNn.Core.Constraints;

namespace AdmmNn.Core.Tests.Constraints;

/// <summary>
/// The per-layer (one a) PE-wise ternary projection as first written: branch and bound over a that bisects until an
/// interval's top-k set is certain and then scans that set's pieces. Exact (checked against enumeration) but slow on
/// large layers; kept as the oracle for the faster chord-bound search in <see cref="PeTernaryProjection"/>.
/// <para><b>Per-layer a</b>: for a fixed a > 0 each kept weight is best ±a when |w| > a/2 and 0 otherwise, so a kept
/// group lowers the error by h_g(a) = Σ_{|w|&gt;a/2} (2a|w| − a²) = a·φ_g(a), φ_g(a) = Σ_{|w|&gt;a/2} (2|w| − a), and
/// the best groups are the k largest φ_g(a). The projection maximizes F(a) = a·T(a), T = sum of the k largest φ_g, over
/// a ∈ (0, 2max|w|]. For a fixed set S of groups, F_S(a) = 2aP − a²C (P, C: sum and count of S's magnitudes above a/2)
/// is a concave quadratic between consecutive breakpoints 2|w_i|, peaking at a = P/C clamped to the piece.
/// Branch and bound over a finds the global maximum: on [lo, hi] F is at most the sum of the k largest per-group maxima
/// of a·φ_g(a) there. An interval is
/// solved exactly once its top-k set is certain throughout (k groups whose φ at hi beats the (k+1)-th largest φ at lo):
/// then F is the sum over a fixed set, scanned piece by piece between the breakpoints 2|w| of that set's weights. Other
/// intervals are halved until solved or bounded below the best value found (intervals narrower than 1e−9·a, where two
/// groups swap at the k-th place, are decided by their ends).</para>
/// Ties: groups with equal gains go to the lower index; a weight with |w| exactly a/2 goes to zero.
/// </summary>
internal sealed class PeTernaryBisectionOracle
{
    private readonly PeTernaryProjection _geometry;

    /// <summary>The oracle for <paramref name="geometry"/>'s groups, keep count and frozen structure (its scope is
    /// ignored: one a per layer).</summary>
    public PeTernaryBisectionOracle(PeTernaryProjection geometry) => _geometry = geometry;

    private int GroupCount => _geometry.GroupCount;

    private int KeepCount => _geometry.KeepCount;

    /// <summary>Projects <paramref name="input"/> with one a per layer.</summary>
    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        var groups = SortedGroup.Build(input, GroupCount, _geometry.GroupOf);
        var result = ProjectPerLayer(groups);
        PeTernaryProjection.Write(groups, result, input, output);
    }

    private PeTernaryProjection.Outcome ProjectPerLayer(SortedGroup[] groups)
    {
        var keep = new bool[groups.Length];
        var scales = new float[groups.Length];
        var counts = new int[groups.Length];
        var k = KeptGroups();
        var max = groups.Where((_, g) => Allowed(g)).Select(g => g.Count == 0 ? 0 : g.Magnitudes[0]).DefaultIfEmpty(0).Max();
        if (k == 0 || max <= 0) return new PeTernaryProjection.Outcome(keep, scales, counts);

        // A good feasible value first, so the bound prunes from the start: on a grid of a, the top-k set there with its
        // own best scale (a ternary projection of the union of its groups).
        double bestValue = 0, bestA = 0;
        void Offer((double Value, double A) candidate)
        {
            if (candidate.Value > bestValue) (bestValue, bestA) = candidate;
        }
        for (var step = 1; step <= 32; step++) Offer(BestOnInterval(groups, TopScores.TopSet(Phi(groups, 2 * max * step / 32), k), 0, double.PositiveInfinity));

        // Each interval carries its candidate groups: a group whose φ at lo is below the k-th largest φ at hi is below the
        // top k everywhere in the interval (φ only decreases), and so in every sub-interval; it is dropped for good.
        var queue = new PriorityQueue<(double Lo, double Hi, int[] Candidates), double>();
        void Push(double lo, double hi, int[] candidates)
        {
            if (!(hi > lo)) return;
            if (candidates.Length > k)
            {
                var kth = TopScores.KthLargest(PhiOf(groups, hi, candidates), k);
                var atLo = PhiOf(groups, lo, candidates);
                candidates = [.. candidates.Where((_, j) => atLo[j] >= kth)];
            }
            var maxima = new double[candidates.Length];
            for (var j = 0; j < candidates.Length; j++) maxima[j] = GroupMaximum(groups[candidates[j]], lo, hi);
            var bound = TopSum(maxima, k);
            if (bound > bestValue * (1 + RelativeTolerance)) queue.Enqueue((lo, hi, candidates), -bound);
        }
        Push(0, 2 * max, [.. Enumerable.Range(0, groups.Length).Where(Allowed)]);
        while (queue.TryDequeue(out var interval, out var negBound))
        {
            if (-negBound <= bestValue * (1 + RelativeTolerance)) break; // best-first: nothing left can beat the best
            var (lo, hi, candidates) = interval;
            if (DeterminedSet(groups, lo, hi, k, candidates) is { } set)
            {
                Offer(BestOnInterval(groups, set, lo, hi));
                continue;
            }
            if (hi - lo <= 1e-9 * hi)
            {
                // Two groups swap at the k-th place inside an interval below float resolution: its ends decide.
                foreach (var end in new[] { lo, hi })
                    Offer(BestOnInterval(groups, [.. TopScores.TopSet(PhiOf(groups, end, candidates), k).Select(j => candidates[j])], end, end));
                continue;
            }
            var half = 0.5 * (lo + hi);
            Push(lo, half, candidates);
            Push(half, hi, candidates);
        }
        if (bestA <= 0) return new PeTernaryProjection.Outcome(keep, scales, counts);
        return _geometry.SupportAt(groups, bestA, k);
    }

    /// <summary>Gains within this relative distance of the best are not searched further: far below float32 resolution
    /// of the weights the projection writes.</summary>
    private const double RelativeTolerance = 1e-12;

    /// <summary>max over a ∈ [lo, hi] of a·φ_g(a) for one group.</summary>
    private static double GroupMaximum(SortedGroup group, double lo, double hi) => BestScale(group.Magnitudes, lo, hi).Value;

    /// <summary>
    /// The top-k set when it is the same for every a in [lo, hi]: φ only decreases, so the (k+1)-th largest φ anywhere
    /// in the interval is at most its value at lo, and a group whose φ at hi beats that is in the top k throughout.
    /// Null when fewer than k groups are certain. Groups outside <paramref name="candidates"/> are below the top k there.
    /// </summary>
    private static int[]? DeterminedSet(SortedGroup[] groups, double lo, double hi, int k, int[] candidates)
    {
        if (k >= candidates.Length) return candidates;
        var next = TopScores.KthLargest(PhiOf(groups, lo, candidates), k + 1);
        var atHi = PhiOf(groups, hi, candidates);
        var certain = new List<int>();
        for (var j = 0; j < candidates.Length; j++) if (atHi[j] > next) certain.Add(candidates[j]);
        return certain.Count == k ? [.. certain] : null;
    }

    /// <summary>φ_g(a) for the listed groups, in their order.</summary>
    private static double[] PhiOf(SortedGroup[] groups, double a, int[] candidates)
    {
        var phi = new double[candidates.Length];
        for (var j = 0; j < candidates.Length; j++)
        {
            var group = groups[candidates[j]];
            var count = group.CountAbove(a / 2);
            phi[j] = 2 * group.Prefix[count] - count * a;
        }
        return phi;
    }

    /// <summary>
    /// max over a ∈ [lo, hi] of Σ_{g∈set} a·φ_g(a) = 2aP(a) − a²C(a) (P, C: sum and count of the set's magnitudes above
    /// a/2): on each piece between consecutive breakpoints 2m the quadratic peaks at P/C, clamped to the piece.
    /// </summary>
    private static (double Value, double A) BestOnInterval(SortedGroup[] groups, int[] set, double lo, double hi)
    {
        var mags = set.SelectMany(g => groups[g].Magnitudes).ToArray();
        Array.Sort(mags);
        Array.Reverse(mags);
        return BestScale(mags, lo, hi);
    }

    /// <summary>max over a ∈ [lo, hi] of 2aP(a) − a²C(a) for magnitudes sorted largest first, and the a reaching it.</summary>
    private static (double Value, double A) BestScale(double[] mags, double lo, double hi)
    {
        double bestValue = 0, bestA = 0, p = 0;
        for (var j = 0; j < mags.Length && mags[j] > 0; j++)
        {
            // With the first j+1 magnitudes above a/2: a ∈ [2·m_{j+1}, 2·m_j] (the next one at or below a/2).
            p += mags[j];
            var c = j + 1;
            var top = Math.Min(hi, 2 * mags[j]);
            var bottom = Math.Max(lo, j + 1 < mags.Length ? 2 * mags[j + 1] : 0);
            if (bottom > top) continue;
            var a = Math.Clamp(p / c, bottom, top);
            var value = 2 * a * p - a * a * c;
            if (value > bestValue) (bestValue, bestA) = (value, a);
        }
        return (bestValue, bestA);
    }

    private bool Allowed(int g) => _geometry.Allowed(g);

    private int KeptGroups() => _geometry.KeptGroups();

    private double[] Phi(SortedGroup[] groups, double a) => _geometry.Phi(groups, a);

    private static double TopSum(double[] scores, int k)
    {
        double sum = 0;
        foreach (var g in TopScores.TopSet(scores, k)) sum += scores[g];
        return sum;
    }
}
