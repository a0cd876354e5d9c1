using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Ops;

/// <summary>Forward results worked out by hand.</summary>
public sealed class ForwardHandComputedTests
{
    private static float[] Run(OpGraph op) => GraphModule.FromGraph(op.Graph).Run(new Dictionary<string, Tensor>())["y"].ToArray();

    [Fact]
    public void Conv_2x2_kernel_on_3x3_image_with_bias()
    {
        // x = 1..9 (3×3), w = [[1,0],[0,-1]], b = 10: y[i,j] = x[i,j] − x[i+1,j+1] + 10 = −4 + 10 everywhere.
        var op = new OpGraph("Conv").Float("x", [1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]).Float("w", [1, 1, 2, 2], [1, 0, 0, -1]).Float("b", [1], [10]);
        Assert.Equal([6f, 6, 6, 6], Run(op));
    }

    [Fact]
    public void Conv_stride_2_with_padding_sums_windows()
    {
        // 4×4 ones, 3×3 ones kernel, pad 1, stride 2: windows at (0,0),(0,2),(2,0),(2,2) cover 4, 6, 6, 9 ones.
        var op = new OpGraph("Conv").Float("x", [1, 1, 4, 4], Enumerable.Repeat(1f, 16).ToArray()).Float("w", [1, 1, 3, 3], Enumerable.Repeat(1f, 9).ToArray())
            .Attr("pads", 1, 1, 1, 1).Attr("strides", 2, 2);
        Assert.Equal([4f, 6, 6, 9], Run(op));
    }

    [Fact]
    public void MaxPool_2x2_picks_window_maxima()
    {
        var op = new OpGraph("MaxPool").Float("x", [1, 1, 2, 4], [1, 5, 2, 0, 3, 4, -1, 7]).Attr("kernel_shape", 2, 2).Attr("strides", 2, 2);
        Assert.Equal([5f, 7], Run(op));
    }

    [Fact]
    public void AveragePool_count_include_pad_changes_the_divisor()
    {
        var x = Enumerable.Repeat(3f, 4).ToArray();
        var excluded = new OpGraph("AveragePool").Float("x", [1, 1, 2, 2], x).Attr("kernel_shape", 2, 2).Attr("pads", 1, 1, 1, 1).Attr("strides", 2, 2);
        var included = new OpGraph("AveragePool").Float("x", [1, 1, 2, 2], x).Attr("kernel_shape", 2, 2).Attr("pads", 1, 1, 1, 1).Attr("strides", 2, 2).AttrInt("count_include_pad", 1);
        Assert.Equal([3f, 3, 3, 3], Run(excluded));
        Assert.Equal([0.75f, 0.75f, 0.75f, 0.75f], Run(included));
    }

    [Fact]
    public void Softmax_of_zero_and_log_three()
    {
        var op = new OpGraph("Softmax").Float("x", [1, 2], [0f, MathF.Log(3f)]);
        var y = Run(op);
        Assert.Equal(0.25f, y[0], 6);
        Assert.Equal(0.75f, y[1], 6);
    }

    [Fact]
    public void Gemm_alpha_beta()
    {
        // [1 2] · [[3],[4]] = 11; 0.5·11 + 2·1 = 7.5
        var op = new OpGraph("Gemm").Float("a", [1, 2], [1, 2]).Float("b", [2, 1], [3, 4]).Float("c", [1], [1]).AttrFloat("alpha", 0.5f).AttrFloat("beta", 2f);
        Assert.Equal([7.5f], Run(op));
    }

    [Fact]
    public void Add_broadcasts_a_channel_bias()
    {
        var op = new OpGraph("Add").Float("a", [1, 2, 1, 2], [1, 2, 3, 4]).Float("b", [2, 1, 1], [10, 20]);
        Assert.Equal([11f, 12, 23, 24], Run(op));
    }

    [Fact]
    public void BatchNorm_inference_formula()
    {
        // (4 − 2)/√(3 + 1) · 3 + 1 = 4
        var op = new OpGraph("BatchNormalization").Float("x", [1, 1, 1, 1], [4]).Float("s", [1], [3]).Float("b", [1], [1]).Float("m", [1], [2]).Float("v", [1], [3])
            .AttrFloat("epsilon", 1f);
        Assert.Equal([4f], Run(op));
    }

    [Fact]
    public void BatchNorm_training_updates_running_statistics_with_momentum()
    {
        var op = new OpGraph("BatchNormalization").Float("x", [2, 1, 1, 1], [1, 3]).Float("s", [1], [1]).Float("b", [1], [0]).Float("m", [1], [0]).Float("v", [1], [1])
            .AttrFloat("momentum", 0.9f).AttrFloat("epsilon", 0f);
        var module = GraphModule.FromGraph(op.Graph);
        module.Training = true;
        var y = module.Run(new Dictionary<string, Tensor>())["y"].ToArray();
        Assert.Equal(-1f, y[0], 5);
        Assert.Equal(1f, y[1], 5);
        // batch mean 2, population variance 1 → running mean 0.9·0 + 0.1·2, running var 0.9·1 + 0.1·1.
        Assert.Equal(0.2f, module.Buffers["m"].ToArray()[0], 6);
        Assert.Equal(1f, module.Buffers["v"].ToArray()[0], 6);
        var g = module.ToGraph();
        Assert.Equal(0.2f, g.Initializer("m")!.Floats![0], 6);
    }

    [Fact]
    public void Dropout_is_identity_in_inference_and_scales_kept_values_in_training()
    {
        var x = Enumerable.Range(1, 1000).Select(i => (float)i).ToArray();
        var op = new OpGraph("Dropout", opset: 10).Float("x", [1000], x).AttrFloat("ratio", 0.25f);
        var module = GraphModule.FromGraph(op.Graph);
        Assert.Equal(x, module.Run(new Dictionary<string, Tensor>())["y"].ToArray());
        module.Training = true;
        var y = module.Run(new Dictionary<string, Tensor>())["y"].ToArray();
        int dropped = y.Count(v => v == 0);
        Assert.InRange(dropped, 180, 320);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(y[i] == 0 || Math.Abs(y[i] - x[i] / 0.75f) < 1e-3f);
        }

        // Gradient flows only through kept elements, scaled the same way.
        module.Backward(new Dictionary<string, Tensor> { ["y"] = new Tensor(Enumerable.Repeat(1f, 1000).ToArray(), [1000]) });
        var grad = module.Parameters.Single().Grad.ToArray();
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(y[i] == 0 ? 0f : 1f / 0.75f, grad[i], 5);
        }
    }

    [Fact]
    public void Dropout_opset12_reads_ratio_input()
    {
        var op = new OpGraph("Dropout", opset: 13).Float("x", [400], Enumerable.Repeat(1f, 400).ToArray()).Float("ratio", [], [0.5f]);
        var module = GraphModule.FromGraph(op.Graph);
        module.Training = true;
        var y = module.Run(new Dictionary<string, Tensor>())["y"].ToArray();
        Assert.All(y, v => Assert.True(v == 0f || v == 2f));
        Assert.InRange(y.Count(v => v == 0), 140, 260);
    }

    [Fact]
    public void Constant_node_feeds_reshape()
    {
        var g = new ModelGraph
        {
            Inputs = [new ValueInfo("x", ElementType.Float32, [2, 3])],
            Outputs = [new ValueInfo("y", ElementType.Float32, [])],
            Nodes =
            [
                new GraphNode { Name = "c", OpType = "Constant", Outputs = ["shape"], Attributes = [new NodeAttribute { Name = "value", Kind = AttributeKind.Tensor, Tensor = TensorData.FromInt64s("shape", [2], [3, -1]) }] },
                new GraphNode { Name = "r", OpType = "Reshape", Inputs = ["x", "shape"], Outputs = ["y"] },
            ],
        };
        var y = GraphModule.FromGraph(g).Forward(new Tensor([1, 2, 3, 4, 5, 6], [2, 3]));
        Assert.Equal([3, 2], y.Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], y.ToArray());
    }
}
