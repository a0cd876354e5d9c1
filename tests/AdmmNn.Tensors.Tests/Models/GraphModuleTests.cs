using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Tests.Models;

public sealed class GraphModuleTests
{
    [Fact]
    public void Unsupported_op_names_node_op_and_opset_and_lists_supported_ops()
    {
        var g = ModelZoo.Create("lenet5", 1);
        g.Nodes[1].OpType = "LpPool";
        var ex = Assert.Throws<UnsupportedModelException>(() => GraphModule.FromGraph(g));
        Assert.Contains("'pool1'", ex.Message);
        Assert.Contains("LpPool", ex.Message);
        Assert.Contains("opset 17", ex.Message);
        Assert.Contains("Conv", ex.Message);
    }

    [Fact]
    public void Wrong_input_shape_is_a_clear_error()
    {
        var m = GraphModule.FromGraph(ModelZoo.Create("lenet5", 1));
        var ex = Assert.Throws<ArgumentException>(() => m.Forward(new Tensor([2, 1, 32, 32])));
        Assert.Contains("'input'", ex.Message);
    }

    [Fact]
    public void ToGraph_writes_current_weights_and_leaves_the_source_graph_alone()
    {
        var source = ModelZoo.Create("lenet5", 3);
        float before = source.Initializer("fc1.weight")!.Floats![0];
        var m = GraphModule.FromGraph(source);
        m.Parameter("fc1.weight")!.Value.AsSpan()[0] = 42f;
        var copy = m.ToGraph();
        Assert.Equal(42f, copy.Initializer("fc1.weight")!.Floats![0]);
        Assert.Equal(before, source.Initializer("fc1.weight")!.Floats![0]);
        Assert.Equal(source.Nodes.Select(n => n.OpType), copy.Nodes.Select(n => n.OpType));

        // A module rebuilt from the copy computes the same function.
        var x = new Tensor(Enumerable.Range(0, 2 * 784).Select(i => (i % 17) / 17f).ToArray(), [2, 1, 28, 28]);
        Assert.Equal(m.Forward(x).ToArray(), GraphModule.FromGraph(copy).Forward(x).ToArray());
    }

    [Fact]
    public void Parameters_have_roles_and_consumers()
    {
        var m = GraphModule.FromGraph(ModelZoo.Create("resnet-small", 1));
        var conv = m.Parameter("stem.conv.weight")!;
        Assert.Equal(ParameterRole.Weight, conv.Role);
        Assert.Equal("Conv", conv.OpType);
        Assert.Equal("stem.conv", conv.NodeName);
        Assert.Equal(ParameterRole.Bias, m.Parameter("fc.bias")!.Role);
        Assert.Equal(ParameterRole.Normalization, m.Parameter("stem.bn.weight")!.Role);
        Assert.Null(m.Parameter("stem.bn.running_mean"));
        Assert.True(m.Buffers.ContainsKey("stem.bn.running_var"));
    }

    [Fact]
    public void Run_returns_every_output_and_input_gradients_are_available()
    {
        var g = new ModelGraph
        {
            Inputs = [new ValueInfo("a", ElementType.Float32, [2]), new ValueInfo("b", ElementType.Float32, [2])],
            Outputs = [new ValueInfo("sum", ElementType.Float32, [2]), new ValueInfo("prod", ElementType.Float32, [2])],
            Nodes =
            [
                new GraphNode { Name = "add", OpType = "Add", Inputs = ["a", "b"], Outputs = ["sum"] },
                new GraphNode { Name = "mul", OpType = "Mul", Inputs = ["a", "b"], Outputs = ["prod"] },
            ],
        };
        var m = GraphModule.FromGraph(g);
        m.InputGradients = true;
        var r = m.Run(new Dictionary<string, Tensor> { ["a"] = new Tensor([1, 2], [2]), ["b"] = new Tensor([3, 4], [2]) });
        Assert.Equal([4f, 6], r["sum"].ToArray());
        Assert.Equal([3f, 8], r["prod"].ToArray());
        m.Backward(new Dictionary<string, Tensor> { ["sum"] = new Tensor([1, 1], [2]), ["prod"] = new Tensor([1, 1], [2]) });
        // d(sum + prod)/da = 1 + b
        Assert.Equal([4f, 5], m.InputGradient("a")!.ToArray());
    }

    [Fact]
    public void Forward_returns_a_copy_that_later_calls_do_not_overwrite()
    {
        var m = GraphModule.FromGraph(ModelZoo.Create("lenet-300-100", 1));
        var first = m.Forward(new Tensor([1, 1, 28, 28]));
        var saved = first.ToArray();
        m.Forward(new Tensor(Enumerable.Repeat(1f, 784).ToArray(), [1, 1, 28, 28]));
        Assert.Equal(saved, first.ToArray());
    }
}
