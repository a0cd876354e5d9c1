using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Ops;

/// <summary>Pad, Slice and Split against brute-force references (per output element, where it reads) and finite differences.</summary>
public sealed class PadSliceSplitGradientTests
{
    /// <summary>y[o] = x[source(o)] or <paramref name="fill"/> when source returns null.</summary>
    private static DTensor Gather(DTensor x, int[] outShape, Func<int[], int[]?> source, double fill = 0)
    {
        var y = DTensor.Zeros(outShape);
        var idx = new int[outShape.Length];
        for (int o = 0; o < y.Size; o++)
        {
            int rem = o;
            for (int d = outShape.Length - 1; d >= 0; d--) { idx[d] = rem % outShape[d]; rem /= outShape[d]; }
            y.V[o] = source(idx) is { } s ? x[s] : fill;
        }

        return y;
    }

    private static DTensor PadReference(DTensor x, long[] pads, string mode, double fill)
    {
        int rank = x.S.Length;
        var outShape = x.S.Select((d, i) => d + (int)pads[i] + (int)pads[i + rank]).ToArray();
        return Gather(x, outShape, o =>
        {
            var s = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                int i = o[d] - (int)pads[d], n = x.S[d];
                if (i < 0 || i >= n)
                {
                    if (mode == "constant") return null;
                    i = mode == "edge" ? Math.Clamp(i, 0, n - 1) : i < 0 ? -i : 2 * (n - 1) - i;
                }

                s[d] = i;
            }

            return s;
        }, fill);
    }

    [Fact]
    public void Pad_constant_as_densenet_exports_it() =>
        GradientCheck.Run(new OpGraph("Pad", opset: 13).Random("x", [1, 2, 3, 4]).Int64("pads", [0, 0, 1, 2, 0, 0, 2, 1]),
            o => PadReference(o["x"], [0, 0, 1, 2, 0, 0, 2, 1], "constant", 0));

    [Fact]
    public void Pad_constant_value_input_and_negative_pads() =>
        GradientCheck.Run(new OpGraph("Pad", opset: 11).Random("x", [3, 5]).Int64("pads", [1, -1, 0, 2]).Float("value", [], [0.75f]),
            o => PadReference(o["x"], [1, -1, 0, 2], "constant", 0.75));

    [Fact]
    public void Pad_attributes_before_opset_11() =>
        GradientCheck.Run(new OpGraph("Pad", opset: 7).Random("x", [2, 3]).Attr("pads", 1, 0, 0, 2).AttrFloat("value", -1f),
            o => PadReference(o["x"], [1, 0, 0, 2], "constant", -1));

    [Theory]
    [InlineData("edge")]
    [InlineData("reflect")]
    public void Pad_edge_and_reflect(string mode) =>
        GradientCheck.Run(new OpGraph("Pad", opset: 13).Random("x", [2, 4, 3]).Int64("pads", [0, 2, 1, 0, 3, 2]).AttrString("mode", mode),
            o => PadReference(o["x"], [0, 2, 1, 0, 3, 2], mode, 0));

    [Fact]
    public void Pad_axes_input_at_opset_18() =>
        GradientCheck.Run(new OpGraph("Pad", opset: 18).Random("x", [2, 3, 4]).Int64("pads", [1, 2]).Omitted().Int64("axes", [-1]),
            o => PadReference(o["x"], [0, 0, 1, 0, 0, 2], "constant", 0));

    private static DTensor SliceReference(DTensor x, int axis, int start, int count, int step) =>
        Gather(x, x.S.Select((d, i) => i == axis ? count : d).ToArray(), o =>
        {
            var s = (int[])o.Clone();
            s[axis] = start + o[axis] * step;
            return s;
        });

    [Fact]
    public void Slice_channel_half_as_shufflenet_exports_it() =>
        // torch writes x[:, c:] as Slice(x, starts=[c], ends=[INT64_MAX], axes=[1]).
        GradientCheck.Run(new OpGraph("Slice", opset: 13).Random("x", [2, 6, 3, 3]).Int64("starts", [3]).Int64("ends", [long.MaxValue]).Int64("axes", [1]),
            o => SliceReference(o["x"], 1, 3, 3, 1));

    [Fact]
    public void Slice_negative_step_and_negative_start() =>
        GradientCheck.Run(new OpGraph("Slice", opset: 13).Random("x", [3, 10]).Int64("starts", [-2]).Int64("ends", [-9]).Int64("axes", [1]).Int64("steps", [-3]),
            o => SliceReference(o["x"], 1, 8, 3, -3));

    [Fact]
    public void Slice_default_axes_steps_and_clamped_bounds() =>
        GradientCheck.Run(new OpGraph("Slice", opset: 11).Random("x", [4, 5]).Int64("starts", [1, -100]).Int64("ends", [3, 100]),
            o => SliceReference(SliceReference(o["x"], 0, 1, 2, 1), 1, 0, 5, 1));

    [Fact]
    public void Slice_attributes_at_opset_7() =>
        GradientCheck.Run(new OpGraph("Slice", opset: 7).Random("x", [3, 4, 5]).Attr("starts", 1, 0).Attr("ends", 4, 2).Attr("axes", 2, 0),
            o => SliceReference(SliceReference(o["x"], 2, 1, 3, 1), 0, 0, 2, 1));

    /// <summary>A Split graph whose checked output "y" is piece <paramref name="piece"/> of <paramref name="pieces"/>.</summary>
    private static OpGraph SplitGraph(OpGraph op, int piece, int pieces)
    {
        var outputs = op.Graph.Nodes[0].Outputs;
        outputs.Clear();
        outputs.AddRange(Enumerable.Range(0, pieces).Select(k => k == piece ? "y" : $"other{k}"));
        return op;
    }

    [Fact]
    public void Split_sizes_input_at_opset_13_checks_a_middle_piece() =>
        GradientCheck.Run(SplitGraph(new OpGraph("Split", opset: 13).Random("x", [2, 7, 3]).Int64("split", [2, 4, 1]).AttrInt("axis", 1), 1, 3),
            o => SliceReference(o["x"], 1, 2, 4, 1));

    [Fact]
    public void Split_attribute_before_opset_13() =>
        GradientCheck.Run(SplitGraph(new OpGraph("Split", opset: 11).Random("x", [5, 4]).Attr("split", 3, 2), 1, 2),
            o => SliceReference(o["x"], 0, 3, 2, 1));

    [Fact]
    public void Split_equal_halves_on_last_axis() =>
        GradientCheck.Run(SplitGraph(new OpGraph("Split", opset: 13).Random("x", [3, 8]).AttrInt("axis", -1), 0, 2),
            o => SliceReference(o["x"], 1, 0, 4, 1));

    [Fact]
    public void Split_num_outputs_at_opset_18_leaves_the_last_piece_smaller() =>
        GradientCheck.Run(SplitGraph(new OpGraph("Split", opset: 18).Random("x", [7, 2]).AttrInt("num_outputs", 3), 2, 3),
            o => SliceReference(o["x"], 0, 6, 1, 1));

    [Fact]
    public void Channel_shuffle_reshape_transpose_reshape()
    {
        // ShuffleNet's channel shuffle after constant folding: Reshape [N, g, C/g, H, W] → Transpose(0,2,1,3,4) → Reshape [N, C, H, W].
        var op = new OpGraph("Reshape", opset: 13).Random("x", [2, 6, 2, 3]).Int64("shape2", [0, -1, 2, 3]);
        var nodes = op.Graph.Nodes;
        nodes[0].Inputs[0] = "t";
        nodes.InsertRange(0,
        [
            new() { Name = "r1", OpType = "Reshape", Inputs = ["x", "shape1"], Outputs = ["r"] },
            new() { Name = "tr", OpType = "Transpose", Inputs = ["r"], Outputs = ["t"], Attributes = [Abstractions.Models.NodeAttribute.Of("perm", 0L, 2L, 1L, 3L, 4L)] },
        ]);
        op.Graph.Initializers.Add(Abstractions.Models.TensorData.FromInt64s("shape1", [5], [0, 2, -1, 2, 3]));
        GradientCheck.Run(op, o => Gather(o["x"], [2, 6, 2, 3], idx =>
        {
            // Output channel c = j·2 + g reads input channel g·3 + j.
            int c = idx[1], g = c % 2, j = c / 2;
            return [idx[0], g * 3 + j, idx[2], idx[3]];
        }));
    }
}

public sealed class NewOpErrorTests
{
    [Fact]
    public void Slice_with_computed_starts_names_the_node_and_input()
    {
        var op = new OpGraph("Slice", opset: 13).Random("x", [2, 3]).Random("starts", [1]).Int64("ends", [2]);
        op.Graph.Inputs.Add(new Abstractions.Models.ValueInfo("s", Abstractions.Models.ElementType.Int64, [1]));
        op.Graph.Nodes[0].Inputs[1] = "s";
        var ex = Assert.Throws<Modules.UnsupportedModelException>(() => Modules.GraphModule.FromGraph(op.Graph));
        Assert.Contains("'node0' (Slice", ex.Message);
        Assert.Contains("starts input 's' must be a constant", ex.Message);
    }

    [Fact]
    public void ReduceMean_axes_of_the_wrong_kind_names_the_node()
    {
        var op = new OpGraph("ReduceMean", opset: 13).Random("x", [2, 3]).AttrInt("axes", 1);
        var ex = Assert.Throws<Modules.InvalidModelException>(() => Modules.GraphModule.FromGraph(op.Graph));
        Assert.Contains("'node0' (ReduceMean): attribute 'axes' must be an integer list", ex.Message);
    }

    [Fact]
    public void Split_sizes_that_do_not_add_up_name_the_node()
    {
        var op = new OpGraph("Split", opset: 13).Random("x", [5, 2]).Int64("split", [2, 2]);
        op.Graph.Nodes[0].Outputs.Add("z");
        var module = Modules.GraphModule.FromGraph(op.Graph);
        var ex = Assert.Throws<Modules.InvalidModelException>(() => module.Run(new Dictionary<string, Tensor>()));
        Assert.Contains("'node0' (Split): split sizes [2,2] do not add up to 5", ex.Message);
    }
}
