using AdmmNn.Abstractions.Constraints;

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
    private readonly bool[]? _allowedGroups;

    /// <summary>Creates the projection keeping at most <paramref name="keepCount"/> groups; <paramref name="allowedGroups"/>
    /// (one flag per group, row-major over the grid) restricts the choice to a frozen structure.</summary>
    public PeTernaryBisectionOracle(WeightLayout layout, int blockRows, int blockColumns, int keepCount, bool[]? allowedGroups = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Layout = layout;
        BlockRows = blockRows;
        BlockColumns = blockColumns;
        KeepCount = keepCount;
        if (allowedGroups is not null && allowedGroups.Length != GroupCount)
            throw new ArgumentException($"{allowedGroups.Length} group flags for {GroupCount} groups", nameof(allowedGroups));
        _allowedGroups = allowedGroups;
    }

    /// <summary>The weight tensor's layout.</summary>
    public WeightLayout Layout { get; }

    /// <summary>Group height (rows of the GEMM view = output channels).</summary>
    public int BlockRows { get; }

    /// <summary>Group width (fan-in columns): the weights one PE consumes together.</summary>
    public int BlockColumns { get; }

    /// <summary>Groups kept at most.</summary>
    public int KeepCount { get; }

    /// <summary>Groups down the rows.</summary>
    public int GridRows => (Layout.Rows + BlockRows - 1) / BlockRows;

    /// <summary>Groups across the columns.</summary>
    public int GridColumns => (Layout.Columns + BlockColumns - 1) / BlockColumns;

    /// <summary>Number of groups.</summary>
    public int GroupCount => GridRows * GridColumns;

    /// <summary>The group of weight <paramref name="index"/> (row-major over the grid).</summary>
    public int GroupOf(int index)
    {
        int cols = Layout.Columns;
        return index / cols / BlockRows * GridColumns + index % cols / BlockColumns;
    }

    /// <summary>Projects <paramref name="input"/> with one a per layer.</summary>
    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        var groups = Groups(input);
        var result = ProjectPerLayer(groups);
        var n = input.Length;
        var values = new float[n];
        for (var g = 0; g < groups.Length; g++)
        {
            if (!result.Keep[g]) continue;
            var a = result.Scales[g];
            var group = groups[g];
            for (var j = 0; j < group.Count; j++)
            {
                if (j >= result.Counts[g]) break;
                var i = group.Indices[j];
                values[i] = input[i] < 0 ? -a : a;
            }
        }
        values.CopyTo(output);
    }

    private sealed record Outcome(bool[] Keep, float[] Scales, int[] Counts);

    private Outcome ProjectPerLayer(SortedGroup[] groups)
    {
        var keep = new bool[groups.Length];
        var scales = new float[groups.Length];
        var counts = new int[groups.Length];
        var k = KeptGroups();
        var max = groups.Where((_, g) => Allowed(g)).Select(g => g.Count == 0 ? 0 : g.Magnitudes[0]).DefaultIfEmpty(0).Max();
        if (k == 0 || max <= 0) return new Outcome(keep, scales, counts);

        // A good feasible value first, so the bound prunes from the start: on a grid of a, the top-k set there with its
        // own best scale (a ternary projection of the union of its groups).
        double bestValue = 0, bestA = 0;
        void Offer((double Value, double A) candidate)
        {
            if (candidate.Value > bestValue) (bestValue, bestA) = candidate;
        }
        for (var step = 1; step <= 32; step++) Offer(BestOnInterval(groups, TopSet(Phi(groups, 2 * max * step / 32), k), 0, double.PositiveInfinity));

        // Each interval carries its candidate groups: a group whose φ at lo is below the k-th largest φ at hi is below the
        // top k everywhere in the interval (φ only decreases), and so in every sub-interval; it is dropped for good.
        var queue = new PriorityQueue<(double Lo, double Hi, int[] Candidates), double>();
        void Push(double lo, double hi, int[] candidates)
        {
            if (!(hi > lo)) return;
            if (candidates.Length > k)
            {
                var kth = KthLargest(PhiOf(groups, hi, candidates), k);
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
                    Offer(BestOnInterval(groups, [.. TopSet(PhiOf(groups, end, candidates), k).Select(j => candidates[j])], end, end));
                continue;
            }
            var half = 0.5 * (lo + hi);
            Push(lo, half, candidates);
            Push(half, hi, candidates);
        }
        if (bestA <= 0) return new Outcome(keep, scales, counts);
        // The support at the best a: the top-k groups there, their magnitudes above a/2, a = their mean.
        double sum = 0;
        var total = 0;
        foreach (var g in TopSet(Phi(groups, bestA), k))
        {
            keep[g] = true;
            counts[g] = groups[g].CountAbove(bestA / 2);
            sum += groups[g].Prefix[counts[g]];
            total += counts[g];
        }
        var alpha = total == 0 ? 0f : (float)(sum / total);
        Array.Fill(scales, alpha);
        return new Outcome(keep, scales, counts);
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
        var next = KthLargest(PhiOf(groups, lo, candidates), k + 1);
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

    private bool Allowed(int g) => _allowedGroups is null || _allowedGroups[g];

    private int KeptGroups()
    {
        var allowed = 0;
        for (var g = 0; g < GroupCount; g++) if (Allowed(g)) allowed++;
        return Math.Min(KeepCount, allowed);
    }

    /// <summary>φ_g(a) for every group (−∞ for groups outside a frozen structure).</summary>
    private double[] Phi(SortedGroup[] groups, double a)
    {
        var phi = new double[groups.Length];
        for (var g = 0; g < groups.Length; g++)
        {
            if (!Allowed(g))
            {
                phi[g] = double.NegativeInfinity;
                continue;
            }
            var count = groups[g].CountAbove(a / 2);
            phi[g] = 2 * groups[g].Prefix[count] - count * a;
        }
        return phi;
    }

    private static double TopSum(double[] scores, int k)
    {
        double sum = 0;
        foreach (var g in TopSet(scores, k)) sum += scores[g];
        return sum;
    }

    /// <summary>The k highest scores (lower index first on ties), in O(n) by selecting the k-th value.</summary>
    private static int[] TopSet(double[] scores, int k)
    {
        if (k <= 0) return [];
        if (k >= scores.Length) return [.. Enumerable.Range(0, scores.Length)];
        var threshold = KthLargest(scores, k);
        var set = new List<int>(k);
        for (var g = 0; g < scores.Length; g++) if (scores[g] > threshold) set.Add(g);
        for (var g = 0; g < scores.Length && set.Count < k; g++) if (scores[g] == threshold) set.Add(g);
        set.Sort();
        return [.. set];
    }

    /// <summary>The k-th largest value (1-based), by quickselect on a copy.</summary>
    private static double KthLargest(double[] scores, int k)
    {
        var a = (double[])scores.Clone();
        int left = 0, right = a.Length - 1, target = k - 1;
        var rng = new Random(a.Length);
        while (true)
        {
            if (left == right) return a[left];
            var pivot = a[rng.Next(left, right + 1)];
            // Three-way partition in descending order: > pivot | == pivot | < pivot.
            int lt = left, i = left, gt = right;
            while (i <= gt)
            {
                if (a[i] > pivot)
                {
                    (a[lt], a[i]) = (a[i], a[lt]);
                    lt++;
                    i++;
                }
                else if (a[i] < pivot)
                {
                    (a[i], a[gt]) = (a[gt], a[i]);
                    gt--;
                }
                else
                {
                    i++;
                }
            }
            if (target < lt) right = lt - 1;
            else if (target > gt) left = gt + 1;
            else return pivot;
        }
    }

    private SortedGroup[] Groups(ReadOnlySpan<float> input)
    {
        var members = new List<int>[GroupCount];
        for (var g = 0; g < members.Length; g++) members[g] = [];
        for (var i = 0; i < input.Length; i++) members[GroupOf(i)].Add(i);
        var groups = new SortedGroup[GroupCount];
        for (var g = 0; g < groups.Length; g++) groups[g] = new SortedGroup(members[g], input);
        return groups;
    }

    /// <summary>A group's weights by magnitude, largest first (lower index first on ties), with prefix sums.</summary>
    private sealed class SortedGroup
    {
        public SortedGroup(List<int> members, ReadOnlySpan<float> input)
        {
            var mags = new double[members.Count];
            for (var j = 0; j < mags.Length; j++) mags[j] = Math.Abs((double)input[members[j]]);
            var order = Enumerable.Range(0, mags.Length).ToArray();
            Array.Sort(order, (x, y) =>
            {
                var c = mags[y].CompareTo(mags[x]);
                return c != 0 ? c : members[x].CompareTo(members[y]);
            });
            Indices = [.. order.Select(j => members[j])];
            Magnitudes = [.. order.Select(j => mags[j])];
            Prefix = new double[Magnitudes.Length + 1];
            for (var j = 0; j < Magnitudes.Length; j++) Prefix[j + 1] = Prefix[j] + Magnitudes[j];
        }

        public int[] Indices { get; }

        public double[] Magnitudes { get; }

        public double[] Prefix { get; }

        public int Count => Indices.Length;

        /// <summary>How many magnitudes are strictly above <paramref name="threshold"/> (a prefix, since they are sorted).</summary>
        public int CountAbove(double threshold)
        {
            int lo = 0, hi = Magnitudes.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (Magnitudes[mid] > threshold) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }
    }
}
