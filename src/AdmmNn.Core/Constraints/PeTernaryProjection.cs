using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints;

/// <summary>Whether a <see cref="PeTernaryProjection"/> has one scale a for the whole layer or one per PE group.</summary>
public enum TernaryScaleScope
{
    /// <summary>One a per layer: every kept weight is ±a (2-bit codes, one multiply per output on the FPGA).</summary>
    Layer,

    /// <summary>One a per PE group: each group is {−a_g, 0, +a_g}.</summary>
    Group,
}

/// <summary>
/// Exact Euclidean projection onto "at most k PE groups (r×c blocks of the GEMM view, as <see cref="BlockProjection"/>)
/// hold nonzeros, and every nonzero is ±a" — PE-wise structured pruning and ternarization as one constraint set
/// (Yang, He and Fan, AAAI 2020).
/// <para><b>Per-group a</b>: groups separate. Kept, group g's best error is ‖w_g‖² − G_g with G_g = max_m S_m²/m
/// (S_m = sum of its m largest magnitudes, a_g = S_m/m: the ternary projection); dropped, ‖w_g‖². So keep the k groups
/// with the largest G_g.</para>
/// <para><b>Per-layer a</b>: for a fixed a > 0 each kept weight is best ±a when |w| > a/2 and 0 otherwise, so a kept
/// group lowers the error by h_g(a) = Σ_{|w|&gt;a/2} (2a|w| − a²) = a·φ_g(a), φ_g(a) = Σ_{|w|&gt;a/2} (2|w| − a), and
/// the best groups are the k largest φ_g(a). The projection maximizes F(a) = a·T(a), T = sum of the k largest φ_g, over
/// a ∈ (0, 2max|w|]. Between consecutive breakpoints 2|w_i| every φ_g is linear; if the top-k set S is the same at both
/// ends of such an interval it is a top-k set throughout (two lines ordered alike at both ends do not cross), and there
/// F(a) = 2aP − a²C (P, C: sum and count of the magnitudes above a/2 in S) peaks at a = P/C clamped to the interval.
/// Branch and bound over a finds the global maximum: φ_g decreases in a, so on [lo, hi] F ≤ hi·T(lo); intervals are
/// split at a breakpoint inside them (or halved when none is and the top-k sets at the ends differ) until every one is
/// solved in closed form or bounded below the best value found.</para>
/// Ties: groups with equal gains go to the lower index; a weight with |w| exactly a/2 goes to zero.
/// </summary>
public sealed class PeTernaryProjection : IWeightProjection
{
    private readonly bool[]? _allowedGroups;

    /// <summary>Creates the projection keeping at most <paramref name="keepCount"/> groups; <paramref name="allowedGroups"/>
    /// (one flag per group, row-major over the grid) restricts the choice to a frozen structure.</summary>
    public PeTernaryProjection(WeightLayout layout, int blockRows, int blockColumns, int keepCount, TernaryScaleScope scope, bool[]? allowedGroups = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Layout = layout;
        BlockRows = blockRows;
        BlockColumns = blockColumns;
        KeepCount = keepCount;
        Scope = scope;
        if (allowedGroups is not null && allowedGroups.Length != GroupCount)
            throw new ArgumentException($"{allowedGroups.Length} group flags for {GroupCount} groups", nameof(allowedGroups));
        _allowedGroups = allowedGroups;
    }

    /// <inheritdoc />
    public WeightLayout Layout { get; }

    /// <summary>Group height (rows of the GEMM view = output channels).</summary>
    public int BlockRows { get; }

    /// <summary>Group width (fan-in columns): the weights one PE consumes together.</summary>
    public int BlockColumns { get; }

    /// <summary>Groups kept at most.</summary>
    public int KeepCount { get; }

    /// <summary>Scale per layer or per group.</summary>
    public TernaryScaleScope Scope { get; }

    /// <summary>Groups down the rows.</summary>
    public int GridRows => (Layout.Rows + BlockRows - 1) / BlockRows;

    /// <summary>Groups across the columns.</summary>
    public int GridColumns => (Layout.Columns + BlockColumns - 1) / BlockColumns;

    /// <summary>Number of groups.</summary>
    public int GroupCount => GridRows * GridColumns;

    /// <inheritdoc />
    public string Describe() =>
        $"PE-wise {BlockRows}x{BlockColumns} groups, keep {KeepCount} of {GroupCount}" + (_allowedGroups is null ? "" : " (structure frozen)") +
        $", ternary {{-a,0,+a}} with a per {(Scope == TernaryScaleScope.Layer ? "layer" : "group")}";

    /// <summary>The group of weight <paramref name="index"/> (row-major over the grid).</summary>
    public int GroupOf(int index)
    {
        int cols = Layout.Columns;
        return index / cols / BlockRows * GridColumns + index % cols / BlockColumns;
    }

    /// <summary>The same set restricted to the groups of <paramref name="w"/> that hold a nonzero (its structure), all of
    /// them kept: the projection of the quantization phase once the structure is frozen.</summary>
    public PeTernaryProjection FrozenTo(ReadOnlySpan<float> w)
    {
        var allowed = new bool[GroupCount];
        for (var i = 0; i < w.Length; i++) if (w[i] != 0) allowed[GroupOf(i)] = true;
        return new PeTernaryProjection(Layout, BlockRows, BlockColumns, allowed.Count(a => a), Scope, allowed);
    }

    /// <summary>A mask of whole groups: true for every weight of a group of <paramref name="w"/> that holds a nonzero.</summary>
    public bool[] StructureMask(ReadOnlySpan<float> w)
    {
        var groupHasNonZero = new bool[GroupCount];
        for (var i = 0; i < w.Length; i++) if (w[i] != 0) groupHasNonZero[GroupOf(i)] = true;
        var mask = new bool[w.Length];
        for (var i = 0; i < w.Length; i++) mask[i] = groupHasNonZero[GroupOf(i)];
        return mask;
    }

    /// <inheritdoc />
    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        var groups = Groups(input);
        var result = Scope == TernaryScaleScope.Group ? ProjectPerGroup(groups) : ProjectPerLayer(groups);
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

    private Outcome ProjectPerGroup(SortedGroup[] groups)
    {
        var gains = new double[groups.Length];
        var counts = new int[groups.Length];
        var scales = new float[groups.Length];
        for (var g = 0; g < groups.Length; g++)
        {
            var group = groups[g];
            double best = 0;
            for (var m = 1; m <= group.Count; m++)
            {
                var gain = group.Prefix[m] * group.Prefix[m] / m;
                if (gain > best)
                {
                    best = gain;
                    counts[g] = m;
                }
            }
            gains[g] = Allowed(g) ? best : double.NegativeInfinity;
            scales[g] = counts[g] == 0 ? 0f : (float)(group.Prefix[counts[g]] / counts[g]);
        }
        return new Outcome(SelectTop(gains), scales, counts);
    }

    private Outcome ProjectPerLayer(SortedGroup[] groups)
    {
        var breakpoints = groups.SelectMany(g => g.Magnitudes.Take(g.Count)).Where(m => m > 0).Select(m => 2 * m).Distinct().ToArray();
        Array.Sort(breakpoints);
        var keep = new bool[groups.Length];
        var scales = new float[groups.Length];
        var counts = new int[groups.Length];
        if (breakpoints.Length == 0) return new Outcome(keep, scales, counts);

        double bestValue = 0, bestA = 0;
        var queue = new PriorityQueue<(double Lo, double Hi), double>();
        void Push(double lo, double hi)
        {
            if (hi <= lo) return;
            var bound = hi * TopSum(groups, lo);
            if (bound > bestValue) queue.Enqueue((lo, hi), -bound);
        }
        Push(0, breakpoints[^1]);
        while (queue.TryDequeue(out var interval, out var negBound))
        {
            if (-negBound <= bestValue) break; // best-first: nothing left can beat the best
            var (lo, hi) = interval;
            var inside = FirstBreakpointAbove(breakpoints, lo);
            var last = inside;
            while (last < breakpoints.Length && breakpoints[last] < hi) last++;
            if (last > inside)
            {
                // Breakpoints strictly inside: split at the middle one, so leaves lie between consecutive breakpoints.
                var split = breakpoints[(inside + last - 1) / 2];
                Push(lo, split);
                Push(split, hi);
                continue;
            }
            var atLo = TopSet(groups, lo);
            var atHi = TopSet(groups, hi);
            if (atLo.SequenceEqual(atHi) || hi - lo <= 1e-12 * hi)
            {
                // One top-k set on the whole interval (or an interval too small to matter): F = 2aP − a²C.
                foreach (var set in atLo.SequenceEqual(atHi) ? [atLo] : new[] { atLo, atHi })
                {
                    var mid = 0.5 * (lo + hi);
                    double p = 0, c = 0;
                    foreach (var g in set)
                    {
                        var count = groups[g].CountAbove(mid / 2);
                        p += groups[g].Prefix[count];
                        c += count;
                    }
                    if (c == 0) continue;
                    var a = Math.Clamp(p / c, lo, hi);
                    var value = 2 * a * p - a * a * c;
                    if (value > bestValue)
                    {
                        bestValue = value;
                        bestA = a;
                    }
                }
                continue;
            }
            var half = 0.5 * (lo + hi);
            Push(lo, half);
            Push(half, hi);
        }
        if (bestA <= 0) return new Outcome(keep, scales, counts);
        // Re-derive the exact support at the best a: the top-k groups there, their magnitudes above a/2, a = their mean.
        double sum = 0;
        var total = 0;
        foreach (var g in TopSet(groups, bestA))
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

    private bool Allowed(int g) => _allowedGroups is null || _allowedGroups[g];

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

    private double TopSum(SortedGroup[] groups, double a)
    {
        var phi = Phi(groups, a);
        double sum = 0;
        foreach (var g in TopIndices(phi)) sum += phi[g];
        return sum;
    }

    private int[] TopSet(SortedGroup[] groups, double a) => TopIndices(Phi(groups, a));

    private int[] TopIndices(double[] scores)
    {
        var keep = SelectTop(scores);
        var list = new List<int>();
        for (var g = 0; g < keep.Length; g++) if (keep[g]) list.Add(g);
        return [.. list];
    }

    private bool[] SelectTop(double[] scores)
    {
        var allowed = 0;
        for (var g = 0; g < scores.Length; g++) if (Allowed(g)) allowed++;
        var keep = TopK.Select(scores, Math.Min(KeepCount, allowed));
        return keep;
    }

    private static int FirstBreakpointAbove(double[] breakpoints, double value)
    {
        var i = Array.BinarySearch(breakpoints, value);
        return i >= 0 ? i + 1 : ~i;
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
