using System.Text.Json;
using AdmmNn.Abstractions.Constraints;
using AdmmNn.Core.Constraints;
using AdmmNn.Core.Constraints.Kinds;
using static AdmmNn.Core.Tests.Constraints.BruteForce;

namespace AdmmNn.Core.Tests.Constraints;

/// <summary>The joint PE-wise + ternary projection against an enumeration of every support and scale on small inputs.</summary>
public sealed class PeTernaryProjectionTests
{
    private const double Tolerance = 1e-5;

    /// <summary>
    /// The least squared distance from x to the set by enumeration: every support T (a subset of the weights) whose
    /// weights lie in at most k groups, with the best scale for it — one a = mean |x| over T (per layer), or one per group.
    /// Signs follow x (never worse).
    /// </summary>
    private static double Enumerate(float[] x, Func<int, int> groupOf, int groups, int k, TernaryScaleScope scope)
    {
        var n = x.Length;
        var best = double.PositiveInfinity;
        for (var bits = 0; bits < 1 << n; bits++)
        {
            var used = new HashSet<int>();
            for (var i = 0; i < n; i++) if ((bits >> i & 1) != 0) used.Add(groupOf(i));
            if (used.Count > k) continue;
            double error = 0;
            for (var i = 0; i < n; i++) if ((bits >> i & 1) == 0) error += (double)x[i] * x[i];
            var scopes = scope == TernaryScaleScope.Layer ? [-1] : Enumerable.Range(0, groups).ToArray();
            foreach (var s in scopes)
            {
                var members = Enumerable.Range(0, n).Where(i => (bits >> i & 1) != 0 && (s < 0 || groupOf(i) == s)).ToList();
                if (members.Count == 0) continue;
                var a = members.Average(i => Math.Abs((double)x[i]));
                error += members.Sum(i => (Math.Abs((double)x[i]) - a) * (Math.Abs((double)x[i]) - a));
            }
            best = Math.Min(best, error);
        }
        return best;
    }

    private static float[] Apply(IWeightProjection p, float[] x)
    {
        var y = new float[x.Length];
        p.Project(x, y);
        return y;
    }

    public static TheoryData<TernaryScaleScope> Scopes => new() { TernaryScaleScope.Layer, TernaryScaleScope.Group };

    [Theory]
    [MemberData(nameof(Scopes))]
    public void Matches_enumeration_of_every_support_and_scale(TernaryScaleScope scope)
    {
        var rng = new Random(scope == TernaryScaleScope.Layer ? 11 : 12);
        for (var trial = 0; trial < 150; trial++)
        {
            int rows = rng.Next(1, 4), cols = rng.Next(1, 5);
            if (rows * cols > 11) continue;
            var layout = new WeightLayout("w", "Gemm", [rows, cols]);
            int br = rng.Next(1, rows + 1), bc = rng.Next(1, cols + 1);
            var probe = new PeTernaryProjection(layout, br, bc, 1, scope);
            var k = rng.Next(1, probe.GroupCount + 1);
            var p = new PeTernaryProjection(layout, br, bc, k, scope);
            // Some trials with repeated magnitudes: ties at group and element level.
            var x = rng.Next(3) == 0
                ? [.. Enumerable.Range(0, layout.Count).Select(_ => (float)(rng.Next(-2, 3) * 0.5))]
                : RandomVector(rng, layout.Count);
            var y = Apply(p, x);
            var best = Enumerate(x, p.GroupOf, p.GroupCount, k, scope);
            Assert.True(Distance2(x, y) <= best + Tolerance * (1 + best), $"trial {trial}: distance {Distance2(x, y)} > enumeration {best}");
            Assert.True(y.Select((v, i) => (v, i)).Where(t => t.v != 0).Select(t => p.GroupOf(t.i)).Distinct().Count() <= k);
            if (scope == TernaryScaleScope.Layer) Assert.True(y.Where(v => v != 0).Select(Math.Abs).Distinct().Count() <= 1);
            for (var g = 0; g < p.GroupCount; g++)
                Assert.True(y.Where((v, i) => v != 0 && p.GroupOf(i) == g).Select(Math.Abs).Distinct().Count() <= 1);
        }
    }

    [Fact]
    public void Exact_on_a_layer_of_realistic_size_against_a_dense_scan_of_scales()
    {
        // 64 x 160 in 1x16 groups (640 groups), keep 40: for every a on a fine grid the best error is
        // Σw² − (top-40 of h_g(a)); the exact projection must be at least as good as every grid point.
        var rng = new Random(5);
        var layout = new WeightLayout("fc", "Gemm", [64, 160]);
        var x = RandomVector(rng, layout.Count);
        var p = new PeTernaryProjection(layout, 1, 16, 40, TernaryScaleScope.Layer);
        var distance = Distance2(x, Apply(p, x));
        var total = x.Sum(v => (double)v * v);
        var max = x.Max(v => Math.Abs(v));
        for (var step = 1; step <= 2000; step++)
        {
            var a = 2.0 * max * step / 2000;
            var gains = new double[p.GroupCount];
            for (var i = 0; i < x.Length; i++)
                if (Math.Abs(x[i]) > a / 2) gains[p.GroupOf(i)] += 2 * a * Math.Abs(x[i]) - a * a;
            var top = gains.OrderByDescending(v => v).Take(40).Sum();
            Assert.True(distance <= total - top + 1e-6 * total, $"a = {a}: grid error {total - top} < projection {distance}");
        }
    }

    public static TheoryData<int, int, int, int, int> LargerLayers => new()
    {
        // rows, cols, group cols, keep, seed: tight and loose keeps, groups of 16 and ragged edges, Gaussian and mixed inputs.
        { 40, 320, 16, 40, 1 },
        { 24, 160, 16, 120, 2 },
        { 40, 320, 16, 799, 3 },
        { 96, 150, 16, 300, 4 },
        { 128, 72, 9, 512, 5 },
        { 60, 400, 8, 1500, 6 },
    };

    [Theory]
    [MemberData(nameof(LargerLayers))]
    public void Per_layer_search_matches_the_bisection_oracle_on_larger_layers(int rows, int cols, int groupCols, int keep, int seed)
    {
        var rng = new Random(seed);
        var layout = new WeightLayout("w", "Gemm", [rows, cols]);
        // Odd seeds: Gaussian weights. Even seeds: groups of mixed character (one large weight, many medium ones, a few
        // repeated magnitudes), so the groups' φ curves cross near the k-th place, the oracle's hard case.
        var x = seed % 2 == 1 ? RandomVector(rng, layout.Count) : MixedGroups(rng, rows, cols, groupCols);
        var fast = Apply(new PeTernaryProjection(layout, 1, groupCols, keep, TernaryScaleScope.Layer), x);
        var oracle = new float[x.Length];
        new PeTernaryBisectionOracle(new PeTernaryProjection(layout, 1, groupCols, keep, TernaryScaleScope.Layer)).Project(x, oracle);
        double dFast = Distance2(x, fast), dOracle = Distance2(x, oracle);
        Assert.True(Math.Abs(dFast - dOracle) <= 1e-9 * dOracle, $"fast {dFast:R} vs oracle {dOracle:R}");
        var p = new PeTernaryProjection(layout, 1, groupCols, keep, TernaryScaleScope.Layer);
        Assert.True(fast.Select((v, i) => (v, i)).Where(t => t.v != 0).Select(t => p.GroupOf(t.i)).Distinct().Count() <= keep);
        Assert.True(fast.Where(v => v != 0).Select(Math.Abs).Distinct().Count() <= 1);
    }

    [Fact]
    public void Frozen_per_layer_search_matches_the_bisection_oracle()
    {
        var rng = new Random(9);
        var layout = new WeightLayout("w", "Gemm", [50, 160]);
        var x = RandomVector(rng, layout.Count);
        var allowed = Enumerable.Range(0, 500).Select(_ => rng.Next(3) > 0).ToArray();
        var fast = Apply(new PeTernaryProjection(layout, 1, 16, allowed.Count(a => a), TernaryScaleScope.Layer, allowed), x);
        var oracle = new float[x.Length];
        new PeTernaryBisectionOracle(new PeTernaryProjection(layout, 1, 16, allowed.Count(a => a), TernaryScaleScope.Layer, allowed)).Project(x, oracle);
        double dFast = Distance2(x, fast), dOracle = Distance2(x, oracle);
        Assert.True(Math.Abs(dFast - dOracle) <= 1e-9 * dOracle, $"fast {dFast:R} vs oracle {dOracle:R}");
        for (var i = 0; i < x.Length; i++) if (!allowed[i / 160 * 10 + i % 160 / 16]) Assert.Equal(0f, fast[i]);
    }

    private static float[] MixedGroups(Random rng, int rows, int cols, int groupCols)
    {
        var x = new float[rows * cols];
        for (var i = 0; i < x.Length; i++)
        {
            var group = i / groupCols; // any deterministic pattern across groups will do
            var sign = rng.Next(2) == 0 ? -1f : 1f;
            x[i] = sign * (group % 3) switch
            {
                0 => i % groupCols == 0 ? 2f + (float)rng.NextDouble() : 0.05f * (float)rng.NextDouble(),
                1 => 0.6f + 0.3f * (float)rng.NextDouble(),
                _ => rng.Next(4) * 0.25f,
            };
        }
        return x;
    }

    [Fact]
    public void Frozen_structure_keeps_only_the_allowed_groups_and_all_of_them()
    {
        var layout = new WeightLayout("w", "Gemm", [2, 8]);
        var p = new PeTernaryProjection(layout, 1, 4, 1, TernaryScaleScope.Layer);
        var structure = new float[16];
        structure[0] = 1; // group 0
        structure[13] = 1; // group 3
        var frozen = p.FrozenTo(structure);
        Assert.Equal(2, frozen.KeepCount);
        var x = Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? 1f : -1f) * (1 + 0.01f * i)).ToArray();
        var y = Apply(frozen, x);
        for (var i = 0; i < 16; i++)
        {
            var g = p.GroupOf(i);
            if (g is not (0 or 3)) Assert.Equal(0f, y[i]);
        }
        Assert.All(y.Take(4).Concat(y.Skip(12)), v => Assert.NotEqual(0f, v)); // all magnitudes near a: all ±a
        Assert.Equal(-y[1], y[0]);
        Assert.Equal(new[] { true, true, true, true, false, false, false, false, false, false, false, false, true, true, true, true }, p.StructureMask(structure));
    }

    [Fact]
    public void Kind_reads_settings_and_names_bad_fields()
    {
        var kind = new PeTernaryKind();
        var layout = new WeightLayout("fc1.weight", "Gemm", [10, 64]);
        var p = (PeTernaryProjection)kind.Create(layout, JsonDocument.Parse("""{"keep":0.25,"rows":1,"cols":8,"alpha":"group"}""").RootElement);
        Assert.Equal((1, 8, 20, TernaryScaleScope.Group), (p.BlockRows, p.BlockColumns, p.KeepCount, p.Scope));
        var d = (PeTernaryProjection)kind.Create(layout, JsonDocument.Parse("""{"ratio":10}""").RootElement);
        Assert.Equal((1, PeTernaryKind.DefaultColumns, 4, TernaryScaleScope.Layer), (d.BlockRows, d.BlockColumns, d.KeepCount, d.Scope));
        var ex = Assert.Throws<ConstraintSettingsException>(() => kind.Create(layout, JsonDocument.Parse("""{"keep":0.5,"alpha":"filter"}""").RootElement));
        Assert.Equal("alpha", ex.Field);
    }
}
