using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Ops;

/// <summary>ReduceMean and LayerNormalization against double references and finite differences.</summary>
public sealed class ReduceAndNormGradientTests
{
    /// <summary>Mean over <paramref name="axes"/> by brute force over every input element.</summary>
    private static DTensor Mean(DTensor x, int[] axes, bool keepDims)
    {
        int rank = x.S.Length;
        var reduced = Enumerable.Range(0, rank).Select(d => axes.Length == 0 || axes.Contains(d)).ToArray();
        var kept = Enumerable.Range(0, rank).Select(d => reduced[d] ? 1 : x.S[d]).ToArray();
        var sums = DTensor.Zeros(kept);
        var idx = new int[rank];
        for (int e = 0; e < x.Size; e++)
        {
            int rem = e;
            for (int d = rank - 1; d >= 0; d--) { idx[d] = rem % x.S[d]; rem /= x.S[d]; }
            sums[idx.Select((v, d) => reduced[d] ? 0 : v).ToArray()] += x.V[e];
        }

        int count = x.Size / sums.Size;
        var shape = keepDims ? kept : Enumerable.Range(0, rank).Where(d => !reduced[d]).Select(d => x.S[d]).ToArray();
        return new DTensor(sums.V.Select(v => v / count).ToArray(), shape);
    }

    [Fact]
    public void ReduceMean_spatial_axes_keepdims_as_in_squeeze_excitation() =>
        GradientCheck.Run(new OpGraph("ReduceMean", opset: 13).Random("x", [2, 3, 4, 5]).Attr("axes", 2, 3).AttrInt("keepdims", 1),
            o => Mean(o["x"], [2, 3], true));

    [Fact]
    public void ReduceMean_without_keepdims_as_in_shufflenet() =>
        GradientCheck.Run(new OpGraph("ReduceMean", opset: 11).Random("x", [2, 3, 4, 5]).Attr("axes", -1, 2).AttrInt("keepdims", 0),
            o => Mean(o["x"], [2, 3], false));

    [Fact]
    public void ReduceMean_all_axes_by_default() =>
        GradientCheck.Run(new OpGraph("ReduceMean", opset: 17).Random("x", [3, 4, 2]), o => Mean(o["x"], [], true));

    [Fact]
    public void ReduceMean_axes_as_input_at_opset_18() =>
        GradientCheck.Run(new OpGraph("ReduceMean", opset: 18).Random("x", [2, 5, 3]).Int64("axes", [1]).AttrInt("keepdims", 0),
            o => Mean(o["x"], [1], false));

    private static DTensor LayerNorm(DTensor x, DTensor scale, DTensor? bias, int axis, double eps)
    {
        int inner = x.S[axis..].Aggregate(1, (a, d) => a * d), rows = x.Size / inner;
        var y = x.Copy();
        for (int r = 0; r < rows; r++)
        {
            var row = x.V.Skip(r * inner).Take(inner).ToArray();
            double mean = row.Average(), variance = row.Select(v => (v - mean) * (v - mean)).Average();
            for (int j = 0; j < inner; j++)
            {
                // Scale and bias broadcast from the right onto the normalized axes.
                double s = scale.V[scale.Size == inner ? j : j % scale.Size];
                double b = bias is null ? 0 : bias.V[bias.Size == inner ? j : j % bias.Size];
                y.V[r * inner + j] = (row[j] - mean) / Math.Sqrt(variance + eps) * s + b;
            }
        }

        return y;
    }

    [Fact]
    public void LayerNormalization_last_axis_with_bias() =>
        GradientCheck.Run(new OpGraph("LayerNormalization").Random("x", [3, 4, 6], -2, 2).Random("scale", [6], 0.5, 1.5).Random("bias", [6]),
            o => LayerNorm(o["x"], o["scale"], o["bias"], 2, 1e-5));

    [Fact]
    public void LayerNormalization_two_axes_epsilon_no_bias() =>
        GradientCheck.Run(new OpGraph("LayerNormalization").Random("x", [2, 3, 4]).Random("scale", [3, 4], 0.5, 1.5).AttrInt("axis", 1).AttrFloat("epsilon", 0.1f),
            o => LayerNorm(o["x"], o["scale"], null, 1, 0.1f));

    [Fact]
    public void LayerNormalization_scale_broadcast_over_the_first_normalized_axis() =>
        GradientCheck.Run(new OpGraph("LayerNormalization").Random("x", [2, 3, 5]).Random("scale", [5], 0.5, 1.5).Random("bias", [1, 5]).AttrInt("axis", -2),
            o => LayerNorm(o["x"], o["scale"], o["bias"], 1, 1e-5));
}
