using AdmmNn.Abstractions.Models;
using AdmmNn.Graph.Shapes;
using AdmmNn.Graph.Simplification;
using static AdmmNn.Graph.Tests.GraphsForTests;

namespace AdmmNn.Graph.Tests;

public sealed class GraphSimplifierTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void Shape_computed_reshape_target_becomes_a_constant_that_copies_the_batch(int opset)
    {
        var simple = GraphSimplifier.Simplify(FlattenByShape(opset));

        // The zero Pad is a no-op: the Reshape reads the input directly.
        Assert.Equal(["Reshape", "Gemm"], simple.Nodes.Select(n => n.OpType));
        var reshape = simple.Nodes[0];
        Assert.Equal("x", reshape.Inputs[0]);
        Assert.Equal([0L, -1L], simple.Initializer(reshape.Inputs[1])!.Int64s!);
        Assert.DoesNotContain(simple.Initializers, t => t.Name is "zero" or "minus1" or "target" or "pads");
    }

    [Fact]
    public void Shapes_keep_the_symbolic_batch_and_fix_it_on_request()
    {
        var graph = GraphSimplifier.Simplify(FlattenByShape(13));
        var symbolic = ShapeInference.Infer(graph);
        Assert.Equal("[N,400]", Dim.Format(symbolic["flat"]!));
        Assert.Equal("[N,10]", Dim.Format(symbolic["y"]!));
        Assert.Equal([3L, 10L], ShapeInference.Infer(graph, batch: 3).Concrete("y"));
    }

    [Fact]
    public void Graph_outputs_are_never_folded_away()
    {
        var g = FlattenByShape(13);
        g.Outputs.Add(new ValueInfo("target", ElementType.Int64, [2]));
        var simple = GraphSimplifier.Simplify(g);
        Assert.Contains(simple.Nodes, n => n.Outputs.Contains("target"));
    }

    [Fact]
    public void Every_unsupported_node_is_named_in_one_error()
    {
        var g = FlattenByShape(13);
        g.Nodes.Single(n => n.Name == "fc").OpType = "FancyGemm";
        g.Nodes.Single(n => n.Name == "gather").OpType = "FancyGather";
        var ex = Assert.Throws<GraphException>(() => ShapeInference.Infer(g).RequireSupported());
        Assert.Contains("node 'gather' (FancyGather)", ex.Message);
        Assert.Contains("node 'fc' (FancyGemm)", ex.Message);
    }

    [Fact]
    public void Channel_shuffle_keeps_only_reshape_transpose_reshape_with_batch_copying_targets()
    {
        var simple = GraphSimplifier.Simplify(ChannelShuffle());

        Assert.Equal(["Reshape", "Transpose", "Reshape"], simple.Nodes.Select(n => n.OpType));
        Assert.Equal([0L, 2, 24, 8, 8], simple.Initializer(simple.Nodes[0].Inputs[1])!.Int64s!);
        Assert.Equal([0L, -1, 8, 8], simple.Initializer(simple.Nodes[2].Inputs[1])!.Int64s!);
        var shapes = ShapeInference.Infer(simple);
        Assert.Equal("[N,24,2,8,8]", Dim.Format(shapes["tr"]!));
        Assert.Equal("[N,48,8,8]", Dim.Format(shapes["y"]!));
    }

    [Fact]
    public void Initializers_no_node_read_are_kept_and_folded_away_ones_dropped()
    {
        var g = FlattenByShape(13);
        g.Initializers.Add(TensorData.FromInt64s("unused", [2], [1, 2]));
        g.Initializers.Add(TensorData.FromInt64s("axes_init", [1], [0]));
        g.Nodes.Single(n => n.Name == "unsqueeze").Inputs[1] = "axes_init";
        var simple = GraphSimplifier.Simplify(g);
        Assert.Contains(simple.Initializers, t => t.Name == "unused");
        Assert.DoesNotContain(simple.Initializers, t => t.Name == "axes_init");
    }
}
