using AdmmNn.Abstractions.Formats;
using AdmmNn.Plugins.Onnx.Protos;
using Google.Protobuf;

namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>Bad files give one-line <see cref="ModelFormatException"/>s that say what is wrong and where.</summary>
public sealed class OnnxFormatErrorTests
{
    private readonly OnnxFormat format = new();

    private static void AssertOneLine(ModelFormatException ex) =>
        Assert.DoesNotContain('\n', ex.Message);

    [Fact]
    public void Empty_file()
    {
        var ex = Assert.Throws<ModelFormatException>(() => format.FromBytes([]));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void Truncated_files_fail_at_every_cut()
    {
        var graph = ModelGraphs.TinyConvNet();
        var bytes = format.ToBytes(graph);
        // metadata_props (field 14) is written last; a cut exactly between two of its entries leaves a valid model
        // with less metadata, which no ONNX reader can tell apart. Every cut before it must fail.
        graph.Metadata.Clear();
        var withoutMetadata = format.ToBytes(graph).Length;
        Assert.True(withoutMetadata < bytes.Length);
        for (int length = 1; length < withoutMetadata; length++)
        {
            var ex = Assert.Throws<ModelFormatException>(() => format.FromBytes(bytes[..length]));
            AssertOneLine(ex);
        }
    }

    [Fact]
    public void Single_bit_flips_never_escape_as_other_exceptions()
    {
        var bytes = format.ToBytes(ModelGraphs.TinyConvNet());
        int failures = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                var copy = (byte[])bytes.Clone();
                copy[i] ^= (byte)(1 << bit);
                try
                {
                    format.FromBytes(copy);
                }
                catch (ModelFormatException ex)
                {
                    AssertOneLine(ex);
                    failures++;
                }
            }
        }
        // Flips inside float weights are undetectable by design; flips in the structure must be caught.
        Assert.True(failures > bytes.Length, $"only {failures} of {bytes.Length * 8} flips detected");
    }

    [Fact]
    public void A_flipped_graph_tag_is_reported_as_corrupt()
    {
        var bytes = format.ToBytes(ModelGraphs.TinyConvNet());
        var graphTag = Array.IndexOf(bytes, (byte)0x3A); // field 7, wire type 2
        bytes[graphTag] ^= 0x01; // wire type 3 (start group): not valid here
        var ex = Assert.Throws<ModelFormatException>(() => format.FromBytes(bytes));
        Assert.Contains("protobuf", ex.Message);
    }

    [Fact]
    public void Not_an_onnx_file()
    {
        var ex = Assert.Throws<ModelFormatException>(() => format.FromBytes("hello, this is text\n"u8.ToArray()));
        AssertOneLine(ex);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(22)]
    public void Opsets_outside_7_to_21_are_refused(int opset)
    {
        var graph = ModelGraphs.TinyConvNet();
        var proto = ModelProto.Parser.ParseFrom(format.ToBytes(graph));
        proto.OpsetImport[0].Version = opset;
        var ex = Assert.Throws<ModelFormatException>(() => format.FromBytes(proto.ToByteArray()));
        Assert.Contains($"opset {opset}", ex.Message);
        Assert.Contains("7 to 21", ex.Message);
    }

    [Fact]
    public void Missing_default_opset_is_refused()
    {
        var proto = ModelProto.Parser.ParseFrom(format.ToBytes(ModelGraphs.TinyConvNet()));
        proto.OpsetImport[0].Domain = "com.example";
        Assert.Contains("default ONNX domain", Assert.Throws<ModelFormatException>(() => format.FromBytes(proto.ToByteArray())).Message);
    }

    [Fact]
    public void Graph_attributes_name_the_node_op_opset_and_attribute()
    {
        var proto = ModelProto.Parser.ParseFrom(format.ToBytes(ModelGraphs.TinyConvNet()));
        var node = new NodeProto { Name = "branch", OpType = "If", Input = { "input" }, Output = { "z" } };
        node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = new GraphProto() });
        proto.Graph.Node.Add(node);
        var ex = Assert.Throws<ModelFormatException>(() => format.FromBytes(proto.ToByteArray()));
        Assert.Contains("'branch'", ex.Message);
        Assert.Contains("If", ex.Message);
        Assert.Contains("opset 13", ex.Message);
        Assert.Contains("then_branch", ex.Message);
        Assert.Contains("GRAPH", ex.Message);
    }

    [Fact]
    public void Undefined_node_inputs_name_the_node_and_value()
    {
        var proto = ModelProto.Parser.ParseFrom(format.ToBytes(ModelGraphs.TinyConvNet()));
        proto.Graph.Node[1].Input[0] = "nowhere";
        var ex = Assert.Throws<ModelFormatException>(() => format.FromBytes(proto.ToByteArray()));
        Assert.Contains("'relu'", ex.Message);
        Assert.Contains("'nowhere'", ex.Message);
    }

    [Fact]
    public void A_value_produced_twice_is_refused()
    {
        var proto = ModelProto.Parser.ParseFrom(format.ToBytes(ModelGraphs.TinyConvNet()));
        proto.Graph.Node[1].Output[0] = "c";
        var ex = Assert.Throws<ModelFormatException>(() => format.FromBytes(proto.ToByteArray()));
        Assert.Contains("'relu'", ex.Message);
        Assert.Contains("'c'", ex.Message);
    }

    [Fact]
    public void Unnamed_and_duplicate_node_names_become_unique()
    {
        var proto = ModelProto.Parser.ParseFrom(format.ToBytes(ModelGraphs.TinyConvNet()));
        proto.Graph.Node[0].Name = "";
        proto.Graph.Node[2].Name = "relu";
        var names = format.FromBytes(proto.ToByteArray()).Nodes.Select(n => n.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.NotEmpty(n));
    }

    [Fact]
    public void Writing_an_unsupported_opset_is_refused()
    {
        var graph = ModelGraphs.TinyConvNet();
        graph.OpsetVersion = 30;
        Assert.Contains("opset 30", Assert.Throws<ModelFormatException>(() => format.ToBytes(graph)).Message);
    }
}
