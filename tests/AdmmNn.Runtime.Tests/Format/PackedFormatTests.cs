using AdmmNn.Abstractions.Models;
using AdmmNn.Runtime.Format;
using AdmmNn.Runtime.Tests.Support;

namespace AdmmNn.Runtime.Tests.Format;

public sealed class PackedFormatTests
{
    private static (byte[] Bytes, PackedModelSummary Summary) Pack(ModelGraph g)
    {
        using var ms = new MemoryStream();
        var summary = PackedModelWriter.Write(g, ms);
        return (ms.ToArray(), summary);
    }

    [Theory]
    [InlineData(1, 0.3, true)]
    [InlineData(2, 1.0, false)]
    [InlineData(3, 0.05, false)]
    [InlineData(4, 0.0, true)]
    public void Round_trip_restores_every_value_bit_exactly(int seed, double keep, bool quantize)
    {
        var g = TestGraphs.TinyConvNet(seed, keep, quantize);
        var (bytes, summary) = Pack(g);
        var read = PackedModelReader.Read(bytes);
        foreach (var t in g.Initializers)
        {
            var back = read.Graph.Initializer(t.Name)!;
            Assert.Equal(t.Dims, back.Dims);
            Assert.Equal(t.Floats!.Select(BitConverter.SingleToInt32Bits), back.Floats!.Select(BitConverter.SingleToInt32Bits));
        }
        Assert.Equal(g.Nodes.Select(n => n.OpType), read.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal([3L, 3L], read.Graph.Nodes[0].Attribute("kernel_shape")!.Ints!);
        Assert.Equal(1f, read.Graph.Nodes[4].Attribute("alpha")!.Float);
        Assert.Equal("N", read.Graph.Inputs[0].SymbolicDims![0]);
        Assert.Equal("test", read.Graph.Metadata["compression"]);
        Assert.Equal(summary.TotalBytes, bytes.Length);
        Assert.Equal(summary.Tensors.Sum(t => (t.Plan.TotalBits + 7) / 8), summary.PayloadBytes);
        Assert.Equal(summary.PayloadBytes, read.Summary.PayloadBytes);
        Assert.Equal(summary.Tensors.Select(t => t.Plan), read.Summary.Tensors.Select(t => t.Plan));
    }

    [Fact]
    public void Payload_is_exactly_the_planned_bits()
    {
        var g = TestGraphs.TinyConvNet(7, 0.2, true);
        var (bytes, summary) = Pack(g);
        long expected = g.Initializers.Sum(t => StorageAccounting.Plan(t.Floats, t.Dims.Select(d => (int)d).ToArray()).PayloadBytes);
        Assert.Equal(expected, summary.PayloadBytes);
        Assert.Equal(bytes.Length, summary.HeaderAndGraphBytes + summary.PayloadBytes);
    }

    [Fact]
    public void Integer_initializers_and_tensor_attributes_round_trip()
    {
        var g = new ModelGraph();
        g.Inputs.Add(new ValueInfo("x", ElementType.Float32, [-1, 4]));
        g.Outputs.Add(new ValueInfo("y", ElementType.Float32, [-1, 2, 2]));
        g.Initializers.Add(TensorData.FromInt64s("shape", [3], [-1, 2, 2]));
        g.Nodes.Add(new GraphNode { Name = "c", OpType = "Constant", Outputs = ["k"], Attributes = [new NodeAttribute { Name = "value", Kind = AttributeKind.Tensor, Tensor = TensorData.FromFloats("v", [2], [1.5f, -2f]) }] });
        g.Nodes.Add(new GraphNode { Name = "r", OpType = "Reshape", Inputs = ["x", "shape"], Outputs = ["y"], Attributes = [new NodeAttribute { Name = "tags", Kind = AttributeKind.Strings, Strings = ["a", "é"] }] });
        var (bytes, _) = Pack(g);
        var read = PackedModelReader.Read(bytes).Graph;
        Assert.Equal([-1L, 2, 2], read.Initializer("shape")!.Int64s!);
        Assert.Equal([1.5f, -2f], read.Nodes[0].Attribute("value")!.Tensor!.Floats!);
        Assert.Equal(["a", "é"], read.Nodes[1].Attribute("tags")!.Strings!);
    }

    [Fact]
    public void Corrupt_byte_is_caught_by_the_checksum()
    {
        var (bytes, _) = Pack(TestGraphs.TinyConvNet(1));
        bytes[bytes.Length / 2] ^= 0x10;
        var ex = Assert.Throws<InvalidModelException>(() => PackedModelReader.Read(bytes));
        Assert.Equal("trailer.crc32", ex.Field);
        Assert.Contains("byte", ex.Message);
    }

    [Fact]
    public void Truncated_file_names_the_header()
    {
        var (bytes, _) = Pack(TestGraphs.TinyConvNet(1));
        var ex = Assert.Throws<InvalidModelException>(() => PackedModelReader.Read(bytes[..(bytes.Length - 9)]));
        Assert.StartsWith("header", ex.Field);
    }
}
