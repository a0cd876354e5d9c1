using AdmmNn.Abstractions.Models;

namespace AdmmNn.Plugins.Onnx.Tests;

public sealed class OnnxFormatRoundTripTests
{
    private readonly OnnxFormat format = new();

    [Fact]
    public void Write_then_read_keeps_names_opset_metadata_attributes_and_weights()
    {
        var original = ModelGraphs.TinyConvNet();
        var copy = format.FromBytes(format.ToBytes(original));

        Assert.Equal(original.Name, copy.Name);
        Assert.Equal(13, copy.OpsetVersion);
        Assert.Equal(7, copy.IrVersion);
        Assert.Equal("test", copy.ProducerName);
        Assert.Equal("0.5", copy.Metadata["admmnn.sparsity"]);
        Assert.Equal(["input"], copy.Inputs.Select(i => i.Name));
        Assert.Equal([-1L, 1, 4, 4], copy.Inputs[0].Dims);
        Assert.Equal("N", copy.Inputs[0].SymbolicDims![0]);
        Assert.Equal(["logits"], copy.Outputs.Select(o => o.Name));
        Assert.Equal(original.Nodes.Select(n => (n.Name, n.OpType, string.Join(",", n.Inputs), string.Join(",", n.Outputs))),
            copy.Nodes.Select(n => (n.Name, n.OpType, string.Join(",", n.Inputs), string.Join(",", n.Outputs))));
        Assert.Equal([3L, 3L], copy.Nodes[0].Attribute("kernel_shape")!.Ints!);
        Assert.Equal(1L, copy.Nodes[3].Attribute("transB")!.Int);
        Assert.Equal(AttributeKind.Float, copy.Nodes[3].Attribute("alpha")!.Kind);
        foreach (var tensor in original.Initializers)
        {
            var read = copy.Initializer(tensor.Name)!;
            Assert.Equal(tensor.Dims, read.Dims);
            Assert.Equal(tensor.Floats, read.Floats!);
        }
    }

    [Fact]
    public void Writing_is_deterministic()
    {
        Assert.Equal(format.ToBytes(ModelGraphs.TinyConvNet()), format.ToBytes(ModelGraphs.TinyConvNet()));
    }

    [Theory]
    [InlineData(ElementType.Float32)]
    [InlineData(ElementType.Float64)]
    [InlineData((ElementType)10)] // FLOAT16
    [InlineData((ElementType)16)] // BFLOAT16
    public void Floating_initializers_survive_in_their_own_precision(ElementType type)
    {
        var graph = ModelGraphs.TinyConvNet();
        float[] values = [0f, 1f, -2.5f, 0.125f, 384f, -0.0078125f];
        graph.Initializers.Add(new TensorData { Name = "extra", Dims = [2, 3], ElementType = type, Floats = values });
        var read = format.FromBytes(format.ToBytes(graph)).Initializer("extra")!;
        Assert.Equal(type, read.ElementType);
        Assert.Equal(values, read.Floats!);
    }

    [Theory]
    [InlineData(ElementType.Int64, -5_000_000_000L)]
    [InlineData(ElementType.Int32, -2_000_000_000L)]
    [InlineData(ElementType.Int8, -128L)]
    [InlineData(ElementType.UInt8, 255L)]
    [InlineData(ElementType.Bool, 1L)]
    [InlineData(ElementType.Int4, -8L)]
    [InlineData((ElementType)21, 15L)] // UINT4
    [InlineData((ElementType)5, -32768L)] // INT16
    public void Integer_initializers_survive(ElementType type, long extreme)
    {
        var graph = ModelGraphs.TinyConvNet();
        long[] values = [0, 1, extreme, 0, 1];
        graph.Initializers.Add(new TensorData { Name = "extra", Dims = [5], ElementType = type, Int64s = values });
        var read = format.FromBytes(format.ToBytes(graph)).Initializer("extra")!;
        Assert.Equal(type, read.ElementType);
        Assert.Equal(values, read.Int64s!);
    }

    [Fact]
    public void Old_ir_versions_list_initializers_as_inputs_but_the_graph_keeps_only_real_inputs()
    {
        var graph = ModelGraphs.TinyConvNet();
        graph.IrVersion = 3;
        graph.OpsetVersion = 8;
        var bytes = format.ToBytes(graph);
        var proto = Protos.ModelProto.Parser.ParseFrom(bytes);
        Assert.Equal(1 + graph.Initializers.Count, proto.Graph.Input.Count);
        Assert.Equal(["input"], format.FromBytes(bytes).Inputs.Select(i => i.Name));
    }
}
