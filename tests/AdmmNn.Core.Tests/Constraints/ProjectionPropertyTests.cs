using AdmmNn.Abstractions.Constraints;
using AdmmNn.Core.Constraints;
using FsCheck;
using FsCheck.Xunit;
using static AdmmNn.Core.Tests.Constraints.BruteForce;

namespace AdmmNn.Core.Tests.Constraints;

/// <summary>
/// Properties of every built-in projection on arbitrary inputs: the result is in the set, it is no farther from the
/// input than any sampled member of the set, and projecting twice changes nothing.
/// </summary>
public sealed class ProjectionPropertyTests
{
    /// <summary>One constraint set: how to build its projection, test membership and sample members.</summary>
    private sealed record Case(
        string Name,
        Func<WeightLayout, IWeightProjection> Create,
        Func<WeightLayout, float[], bool> Contains,
        Func<WeightLayout, Random, float[]> Sample);

    private static int NonzeroUnits(float[] y, Func<int, int> unitOf) =>
        Enumerable.Range(0, y.Length).Where(i => y[i] != 0).Select(unitOf).Distinct().Count();

    private static float[] SampleSupport(WeightLayout l, Random rng, int units, int k, Func<int, int> unitOf)
    {
        var keep = TopK.Select([.. Enumerable.Range(0, units).Select(_ => rng.NextDouble())], k);
        return [.. Enumerable.Range(0, l.Count).Select(i => keep[unitOf(i)] ? (float)(rng.NextDouble() * 4 - 2) : 0f)];
    }

    private static bool OnScaledLevels(float[] y, IReadOnlyList<double> magnitudes)
    {
        var peak = y.Max(v => Math.Abs(v));
        if (peak == 0) return true;
        foreach (var top in magnitudes.Where(m => m > 0))
        {
            var s = peak / top;
            if (y.All(v => magnitudes.Any(m => Math.Abs(Math.Abs(v) - s * m) <= 1e-5 * peak))) return true;
        }
        return false;
    }

    private static float[] SampleLevels(WeightLayout l, Random rng, IReadOnlyList<double> magnitudes)
    {
        var s = rng.NextDouble() * 2;
        return [.. Enumerable.Range(0, l.Count).Select(_ => (float)(s * magnitudes[rng.Next(magnitudes.Count)] * (rng.Next(2) == 0 ? -1 : 1)))];
    }

    private static Case Levels(string name, ScaledLevels levels) => new(name,
        l => new LevelProjection(l, levels, name),
        (_, y) => OnScaledLevels(y, levels.Magnitudes),
        (l, rng) => SampleLevels(l, rng, levels.Magnitudes));

    private static IEnumerable<Case> Cases(int seed)
    {
        var rng = new Random(seed);
        var keep = 0.1 + rng.NextDouble() * 0.9;
        int K(int units) => TopK.CountFor(units, keep);
        int Channel(WeightLayout l, int i) => i % l.Columns / l.KernelArea;
        yield return new("unstructured", l => new UnstructuredProjection(l, K(l.Count)),
            (l, y) => y.Count(v => v != 0) <= K(l.Count), (l, r) => SampleSupport(l, r, l.Count, K(l.Count), i => i));
        yield return new("filter", l => new FilterProjection(l, K(l.Rows)),
            (l, y) => NonzeroUnits(y, i => i / l.Columns) <= K(l.Rows), (l, r) => SampleSupport(l, r, l.Rows, K(l.Rows), i => i / l.Columns));
        yield return new("channel", l => new ChannelProjection(l, K(l.Columns / l.KernelArea)),
            (l, y) => NonzeroUnits(y, i => Channel(l, i)) <= K(l.Columns / l.KernelArea),
            (l, r) => SampleSupport(l, r, l.Columns / l.KernelArea, K(l.Columns / l.KernelArea), i => Channel(l, i)));
        int br = rng.Next(1, 3), bc = rng.Next(1, 4);
        BlockProjection Block(WeightLayout l) => new(l, Math.Min(br, l.Rows), Math.Min(bc, l.Columns), 1);
        int BlockOf(WeightLayout l, int i) { var b = Block(l); return i / l.Columns / b.BlockRows * b.GridColumns + i % l.Columns / b.BlockColumns; }
        int Blocks(WeightLayout l) { var b = Block(l); return b.GridRows * b.GridColumns; }
        yield return new("block", l => new BlockProjection(l, Block(l).BlockRows, Block(l).BlockColumns, K(Blocks(l))),
            (l, y) => NonzeroUnits(y, i => BlockOf(l, i)) <= K(Blocks(l)), (l, r) => SampleSupport(l, r, Blocks(l), K(Blocks(l)), i => BlockOf(l, i)));
        int m = rng.Next(1, 5), n = rng.Next(1, m + 1);
        int Group(WeightLayout l, int i) => i / l.Columns * ((l.Columns + m - 1) / m) + i % l.Columns / m;
        yield return new("n:m", l => new NmProjection(l, n, m),
            (l, y) => Enumerable.Range(0, y.Length).Where(i => y[i] != 0).GroupBy(i => Group(l, i)).All(g => g.Count() <= n),
            (l, r) => [.. new NmProjection(l, n, m).Apply(SampleSupport(l, r, l.Count, l.Count, i => i))]);
        yield return Levels("uniform", ScaledLevels.EqualInterval(rng.Next(2, 5)));
        yield return Levels("pow2", ScaledLevels.PowerOfTwo(rng.Next(2, 5)));
        yield return Levels("binary", new ScaledLevels([1.0]));
        yield return new("ternary", l => new TernaryProjection(l), (_, y) => OnScaledLevels(y, [0.0, 1.0]), (l, r) => SampleLevels(l, r, [0.0, 1.0]));
    }

    private static (WeightLayout Layout, float[] X) Input(NonEmptyArray<NormalFloat> values, int shapeHint)
    {
        var x = values.Get.Select(v => (float)Math.Clamp(v.Get, -100, 100)).ToArray();
        var rows = Enumerable.Range(1, 4).Where(d => x.Length % d == 0).ElementAt(Math.Abs(shapeHint) % Enumerable.Range(1, 4).Count(d => x.Length % d == 0));
        var cols = x.Length / rows;
        // Half the time a Conv layout with a kernel area of 2, so channels span several columns.
        int[] shape = cols % 2 == 0 && shapeHint % 2 == 0 ? [rows, cols / 2, 1, 2] : [rows, cols];
        return (new WeightLayout("w", shape.Length == 4 ? "Conv" : "Gemm", shape), x);
    }

    [Property(MaxTest = 150)]
    public bool Result_is_in_the_set(NonEmptyArray<NormalFloat> values, int shapeHint, int seed)
    {
        var (layout, x) = Input(values, shapeHint);
        return Cases(seed).All(c => c.Contains(layout, c.Create(layout).Apply(x)));
    }

    [Property(MaxTest = 150)]
    public bool Result_is_no_farther_than_any_sampled_member(NonEmptyArray<NormalFloat> values, int shapeHint, int seed)
    {
        var (layout, x) = Input(values, shapeHint);
        var rng = new Random(seed);
        foreach (var c in Cases(seed))
        {
            var d = Distance2(x, c.Create(layout).Apply(x));
            for (var s = 0; s < 20; s++)
            {
                var member = c.Sample(layout, rng);
                if (!c.Contains(layout, member)) throw new InvalidOperationException($"{c.Name}: sampler produced a non-member");
                if (d > Distance2(x, member) * (1 + 1e-6) + 1e-6) return false;
            }
        }
        return true;
    }

    [Property(MaxTest = 150)]
    public bool Projection_is_idempotent(NonEmptyArray<NormalFloat> values, int shapeHint, int seed)
    {
        var (layout, x) = Input(values, shapeHint);
        foreach (var c in Cases(seed))
        {
            var p = c.Create(layout);
            var once = p.Apply(x);
            var twice = p.Apply(once);
            var scale = once.Max(v => Math.Abs(v)) + 1e-12;
            if (once.Zip(twice).Any(t => Math.Abs(t.First - t.Second) > 1e-5 * scale)) return false;
        }
        return true;
    }
}
