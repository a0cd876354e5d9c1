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
/// a ∈ (0, 2max|w|]. T is convex and decreasing (a maximum over k-sets of sums of hinges (2|w| − a)₊), so it lies below
/// its chord on any interval, and its value at a point x comes with a feasible support (the top-k groups at x, their
/// magnitudes above x/2: sum P, count C, worth P²/C at a = P/C) whose line 2P − aC is tangent to T at x. Best-first
/// branch and bound over a on the chord bound finds the global maximum: an interval closes when its bound is not above
/// the best support found, or when the tangents at its ends are one line (T is linear there). One evaluation costs
/// O(groups · log group size); the bound's gap shrinks with the square of the interval's width.</para>
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
        var groups = SortedGroup.Build(input, GroupCount, GroupOf);
        var result = Scope == TernaryScaleScope.Group ? ProjectPerGroup(groups) : ProjectPerLayer(groups);
        Write(groups, result, input, output);
    }

    /// <summary>Writes ±scale at each kept group's <see cref="Outcome.Counts"/> largest magnitudes and 0 elsewhere.</summary>
    internal static void Write(SortedGroup[] groups, Outcome result, ReadOnlySpan<float> input, Span<float> output)
    {
        var values = new float[input.Length];
        for (var g = 0; g < groups.Length; g++)
        {
            if (!result.Keep[g]) continue;
            var a = result.Scales[g];
            var group = groups[g];
            for (var j = 0; j < Math.Min(group.Count, result.Counts[g]); j++)
            {
                var i = group.Indices[j];
                values[i] = input[i] < 0 ? -a : a;
            }
        }
        values.CopyTo(output);
    }

    /// <summary>Per group: kept, its scale, and how many of its largest magnitudes are nonzero.</summary>
    internal sealed record Outcome(bool[] Keep, float[] Scales, int[] Counts);

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
        var keep = new bool[groups.Length];
        var scales = new float[groups.Length];
        var counts = new int[groups.Length];
        var k = KeptGroups();
        var max = groups.Where((_, g) => Allowed(g)).Select(g => g.Count == 0 ? 0 : g.Magnitudes[0]).DefaultIfEmpty(0).Max();
        if (k == 0 || max <= 0) return new Outcome(keep, scales, counts);

        // The best support may be found at a = 0 (all nonzeros of the top-k groups, e.g. when all magnitudes are equal).
        if (new LayerScaleSearch(this, groups, k).BestSupportScale(2 * max) is not { } bestA) return new Outcome(keep, scales, counts);
        return SupportAt(groups, bestA, k);
    }

    /// <summary>The support a scale <paramref name="a"/> picks: the top-k groups at a, their magnitudes above a/2, with
    /// one scale, their mean.</summary>
    internal Outcome SupportAt(SortedGroup[] groups, double a, int k)
    {
        var keep = new bool[groups.Length];
        var scales = new float[groups.Length];
        var counts = new int[groups.Length];
        double sum = 0;
        var total = 0;
        foreach (var g in TopScores.TopSet(Phi(groups, a), k))
        {
            keep[g] = true;
            counts[g] = groups[g].CountAbove(a / 2);
            sum += groups[g].Prefix[counts[g]];
            total += counts[g];
        }
        var alpha = total == 0 ? 0f : (float)(sum / total);
        Array.Fill(scales, alpha);
        return new Outcome(keep, scales, counts);
    }

    /// <summary>
    /// The per-layer scale search. T(a) = sum of the k largest φ_g(a) is convex (a maximum over k-sets of sums of the
    /// convex hinges (2|w| − a)₊) and decreasing, so on [lo, hi] it lies below its chord: a·chord(a), a concave quadratic,
    /// bounds F = a·T there. Evaluating T at a point x also gives a feasible support — the top-k groups at x, their
    /// magnitudes above x/2 (sum P, count C) — worth P²/C with a = P/C, and the line 2P − aC is tangent to T at x. When the
    /// tangents at both ends of an interval are the same line, T is that line throughout and the interval is solved.
    /// Best-first branch and bound on this chord bound: each step costs one evaluation (O(groups · log group size)), and
    /// the bound's gap shrinks with the square of the width, so few hundred evaluations settle a layer.
    /// </summary>
    private sealed class LayerScaleSearch(PeTernaryProjection owner, SortedGroup[] groups, int k)
    {
        private readonly double[] _phi = new double[groups.Length];
        private readonly int[] _count = new int[groups.Length];
        private double _bestValue;
        private double? _bestA;

        /// <summary>The point whose support is the best found (within <see cref="RelativeTolerance"/> of the optimum), or
        /// null when every support is empty.</summary>
        public double? BestSupportScale(double top)
        {
            var queue = new PriorityQueue<(Point Lo, Point Hi), double>();
            void Push(Point lo, Point hi)
            {
                if (lo.C == hi.C && lo.P == hi.P) return; // one line: solved by its own support, already offered
                if (!(hi.A - lo.A > 1e-12 * hi.A)) return; // both ends offered; F varies by ~1e-12 relative inside
                var bound = ChordBound(lo, hi);
                if (bound > _bestValue * (1 + RelativeTolerance)) queue.Enqueue((lo, hi), -bound);
            }
            // A coarse grid first, so the bound prunes from the start.
            var points = new Point[33];
            points[0] = Evaluate(0);
            for (var step = 1; step <= 32; step++) points[step] = Evaluate(top * step / 32);
            for (var step = 0; step < 32; step++) Push(points[step], points[step + 1]);
            while (queue.TryDequeue(out var interval, out var negBound))
            {
                if (-negBound <= _bestValue * (1 + RelativeTolerance)) break; // best-first: nothing left can beat the best
                var (lo, hi) = interval;
                var mid = Evaluate(0.5 * (lo.A + hi.A));
                Push(lo, mid);
                Push(mid, hi);
            }
            return _bestA;
        }

        /// <summary>T at <paramref name="a"/> with the sum and count of its support; offers the support.</summary>
        private Point Evaluate(double a)
        {
            for (var g = 0; g < groups.Length; g++)
            {
                if (!owner.Allowed(g))
                {
                    _phi[g] = double.NegativeInfinity;
                    continue;
                }
                var count = groups[g].CountAbove(a / 2);
                _count[g] = count;
                _phi[g] = 2 * groups[g].Prefix[count] - count * a;
            }
            double p = 0;
            long c = 0;
            foreach (var g in TopScores.TopSet(_phi, k))
            {
                p += groups[g].Prefix[_count[g]];
                c += _count[g];
            }
            if (c > 0 && p * p / c > _bestValue) (_bestValue, _bestA) = (p * p / c, a);
            return new Point(a, p, c);
        }

        /// <summary>max over a ∈ [lo, hi] of a·chord(a), the chord of T between the two points.</summary>
        private static double ChordBound(Point lo, Point hi)
        {
            double tLo = lo.T, tHi = hi.T;
            var slope = (tHi - tLo) / (hi.A - lo.A);
            var intercept = tLo - slope * lo.A;
            // a·(intercept + slope·a): concave when slope < 0, peaking at −intercept / (2·slope).
            var a = slope < 0 ? Math.Clamp(-intercept / (2 * slope), lo.A, hi.A) : hi.A;
            return a * (intercept + slope * a);
        }

        /// <summary>T(A) = 2P − A·C: the top-k groups' magnitudes above A/2 sum to P and count C.</summary>
        private readonly record struct Point(double A, double P, long C)
        {
            public double T => 2 * P - A * C;
        }
    }

    /// <summary>Gains within this relative distance of the best are not searched further: far below float32 resolution
    /// of the weights the projection writes.</summary>
    private const double RelativeTolerance = 1e-12;

    internal bool Allowed(int g) => _allowedGroups is null || _allowedGroups[g];

    internal int KeptGroups()
    {
        var allowed = 0;
        for (var g = 0; g < GroupCount; g++) if (Allowed(g)) allowed++;
        return Math.Min(KeepCount, allowed);
    }

    /// <summary>φ_g(a) for every group (−∞ for groups outside a frozen structure).</summary>
    internal double[] Phi(SortedGroup[] groups, double a)
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

    private bool[] SelectTop(double[] scores)
    {
        var keep = new bool[scores.Length];
        foreach (var g in TopScores.TopSet(scores, KeptGroups())) keep[g] = true;
        return keep;
    }
}
