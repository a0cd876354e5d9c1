using AdmmNn.Abstractions.Constraints;
using AdmmNn.Core.Constraints;
using static AdmmNn.Core.Tests.Constraints.BruteForce;

namespace AdmmNn.Core.Tests.Constraints;

/// <summary>Every projection's distance equals the best found by enumerating the whole set on small random inputs.</summary>
public sealed class ProjectionBruteForceTests
{
    private const double Tolerance = 1e-5;

    private static float[] Apply(IWeightProjection p, float[] x)
    {
        var y = new float[x.Length];
        p.Project(x, y);
        return y;
    }

    private static void AssertOptimal(float[] x, float[] y, double best) =>
        Assert.True(Distance2(x, y) <= best + Tolerance * (1 + best), $"projection distance {Distance2(x, y)} > brute force {best}");

    [Fact]
    public void Unstructured_matches_enumeration_of_all_supports()
    {
        var rng = new Random(1);
        for (var trial = 0; trial < 40; trial++)
        {
            var n = rng.Next(1, 11);
            var k = rng.Next(1, n + 1);
            var x = RandomVector(rng, n);
            var y = Apply(new UnstructuredProjection(new WeightLayout("w", "Gemm", [1, n]), k), x);
            AssertOptimal(x, y, BestSupport(x, n, k, i => i));
            Assert.True(y.Count(v => v != 0) <= k);
        }
    }

    [Fact]
    public void Filter_channel_and_block_match_enumeration_of_unit_subsets()
    {
        var rng = new Random(2);
        for (var trial = 0; trial < 30; trial++)
        {
            int o = rng.Next(1, 6), i = rng.Next(1, 4), kh = rng.Next(1, 3);
            var layout = new WeightLayout("w", "Conv", [o, i, kh, kh]);
            var x = RandomVector(rng, layout.Count);
            int cols = layout.Columns, area = layout.KernelArea;

            var kf = rng.Next(1, o + 1);
            AssertOptimal(x, Apply(new FilterProjection(layout, kf), x), BestSupport(x, o, kf, j => j / cols));

            var kc = rng.Next(1, i + 1);
            AssertOptimal(x, Apply(new ChannelProjection(layout, kc), x), BestSupport(x, i, kc, j => j % cols / area));

            int br = rng.Next(1, o + 1), bc = rng.Next(1, cols + 1);
            var block = new BlockProjection(layout, br, bc, 1);
            var units = block.GridRows * block.GridColumns;
            if (units > 12) continue;
            var kb = rng.Next(1, units + 1);
            var gridCols = block.GridColumns;
            AssertOptimal(x, Apply(new BlockProjection(layout, br, bc, kb), x),
                BestSupport(x, units, kb, j => j / cols / br * gridCols + j % cols / bc));
        }
    }

    [Fact]
    public void Block_allows_smaller_edge_blocks()
    {
        // 3x5 GEMM view in 2x2 blocks: the grid is 2x3; the bottom-right block is 1x1 and holds the largest value.
        var layout = new WeightLayout("w", "Gemm", [3, 5]);
        var x = new float[15];
        x[14] = 10;
        x[0] = 1;
        var y = Apply(new BlockProjection(layout, 2, 2, 1), x);
        Assert.Equal(10f, y[14]);
        Assert.Equal(0f, y[0]);
    }

    [Fact]
    public void NM_matches_enumeration_per_group()
    {
        var rng = new Random(3);
        for (var trial = 0; trial < 30; trial++)
        {
            int rows = rng.Next(1, 3), cols = rng.Next(1, 10), m = rng.Next(1, 5), n = rng.Next(1, m + 1);
            var x = RandomVector(rng, rows * cols);
            var y = Apply(new NmProjection(new WeightLayout("w", "Gemm", [rows, cols]), n, m), x);
            double best = 0;
            for (var r = 0; r < rows; r++)
            {
                for (var s = 0; s < cols; s += m)
                {
                    var len = Math.Min(m, cols - s);
                    var group = x.AsSpan(r * cols + s, len).ToArray();
                    best += BestSupport(group, len, Math.Min(n, len), j => j);
                }
            }
            AssertOptimal(x, y, best);
        }
    }

    public static TheoryData<string, int> LevelSets => new()
    {
        { "uniform", 2 }, { "uniform", 3 }, { "pow2", 2 }, { "pow2", 3 }, { "binary", 1 },
    };

    private static ScaledLevels Levels(string kind, int bits) => kind switch
    {
        "uniform" => ScaledLevels.EqualInterval(bits),
        "pow2" => ScaledLevels.PowerOfTwo(bits),
        _ => new ScaledLevels([1.0]),
    };

    [Theory]
    [MemberData(nameof(LevelSets))]
    public void Scaled_levels_match_enumeration_of_all_assignments(string kind, int bits)
    {
        var levels = Levels(kind, bits);
        var rng = new Random(4 + bits);
        for (var trial = 0; trial < 25; trial++)
        {
            var x = RandomVector(rng, rng.Next(1, 6));
            var p = new LevelProjection(new WeightLayout("w", "Gemm", [1, x.Length]), levels, kind);
            var y = Apply(p, x);
            AssertOptimal(x, y, BestLevels(x, [.. levels.Magnitudes]));
        }
    }

    [Theory]
    [MemberData(nameof(LevelSets))]
    public void Optimal_scale_is_no_worse_than_a_fine_grid_bracketing_it(string kind, int bits)
    {
        var levels = Levels(kind, bits);
        var rng = new Random(40 + bits);
        for (var trial = 0; trial < 10; trial++)
        {
            var x = RandomVector(rng, 50);
            var s = levels.OptimalScale(x);
            var y = new float[x.Length];
            levels.Round(x, y, s);
            var best = Distance2(x, y);
            for (var g = 1; g <= 4000; g++)
            {
                var scale = s * g / 2000.0; // (0, 2s]: brackets the optimum on both sides
                levels.Round(x, y, scale);
                Assert.True(best <= Distance2(x, y) + 1e-6, $"scale {scale} beats the optimum {s}");
            }
        }
    }

    [Fact]
    public void Binary_scale_is_the_mean_magnitude()
    {
        var x = new float[] { 0.5f, -1.5f, 2f, 0f };
        var y = Apply(new LevelProjection(new WeightLayout("w", "Gemm", [1, 4]), new ScaledLevels([1.0]), "binary"), x);
        Assert.Equal([1f, -1f, 1f, 1f], y);
    }

    [Fact]
    public void Ternary_matches_enumeration_of_all_assignments()
    {
        var rng = new Random(5);
        for (var trial = 0; trial < 40; trial++)
        {
            var x = RandomVector(rng, rng.Next(1, 7));
            var y = Apply(new TernaryProjection(new WeightLayout("w", "Gemm", [1, x.Length])), x);
            AssertOptimal(x, y, BestLevels(x, [0.0, 1.0]));
        }
    }

    [Fact]
    public void Masked_quantization_keeps_pruned_weights_zero_and_moves_only_survivors()
    {
        var rng = new Random(6);
        var layout = new WeightLayout("w", "Gemm", [2, 4]);
        var mask = new[] { true, false, true, true, false, false, true, false };
        var p = new MaskedProjection(layout, mask, l => new LevelProjection(l, ScaledLevels.EqualInterval(2), "uniform"));
        for (var trial = 0; trial < 20; trial++)
        {
            var x = RandomVector(rng, 8);
            var y = Apply(p, x);
            for (var i = 0; i < 8; i++) if (!mask[i]) Assert.Equal(0f, y[i]);
            var survivors = Enumerable.Range(0, 8).Where(i => mask[i]).Select(i => x[i]).ToArray();
            var pruned = Enumerable.Range(0, 8).Where(i => !mask[i]).Sum(i => (double)x[i] * x[i]);
            AssertOptimal(x, y, pruned + BestLevels(survivors, [0.0, 1.0]));
        }
    }

    [Fact]
    public void Ties_break_toward_the_lower_index()
    {
        var y = Apply(new UnstructuredProjection(new WeightLayout("w", "Gemm", [1, 4]), 2), [1f, -1f, 1f, 1f]);
        Assert.Equal([1f, -1f, 0f, 0f], y);
        var f = Apply(new FilterProjection(new WeightLayout("w", "Gemm", [3, 1]), 1), [2f, -2f, 2f]);
        Assert.Equal([2f, 0f, 0f], f);
    }

    [Fact]
    public void Projection_may_write_in_place()
    {
        var x = new float[] { 3f, -1f, 0.5f, 2f };
        var expected = Apply(new UnstructuredProjection(new WeightLayout("w", "Gemm", [1, 4]), 2), x);
        new UnstructuredProjection(new WeightLayout("w", "Gemm", [1, 4]), 2).Project(x, x);
        Assert.Equal(expected, x);
    }
}
