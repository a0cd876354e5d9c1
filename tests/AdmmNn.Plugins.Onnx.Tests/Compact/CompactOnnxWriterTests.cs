using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;
using AdmmNn.Data.Datasets;
using AdmmNn.OnnxRuntime;
using AdmmNn.Plugins.Onnx.Compact;
using AdmmNn.Plugins.Onnx.Protos;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using Xunit.Abstractions;

namespace AdmmNn.Plugins.Onnx.Tests.Compact;

/// <summary>Compact ONNX export: ONNX Runtime runs it like the engine runs the dense model, it is small, and it reads back exactly.</summary>
public sealed class CompactOnnxWriterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(null)] // the zoo's opset 17: INT8 only
    [InlineData(21)]   // INT4 allowed
    public void Onnx_runtime_predicts_like_the_engine_on_1000_images_from_a_much_smaller_file(int? opset)
    {
        var dense = CompressedLeNet.Create();
        var result = CompactOnnxWriter.Export(dense, new CompactOnnxOptions { Opset = opset });
        var floatBytes = new OnnxFormat().ToBytes(dense).Length;
        foreach (var t in result.Tensors) output.WriteLine($"{t.Name}: {CompactOnnxWriter.Describe(t)}, {t.NonZeros}/{t.ElementCount} nonzero, {t.Levels} levels, {t.PayloadBytes} bytes");
        double ratio = (double)floatBytes / result.Bytes.Length;
        output.WriteLine($"opset {result.Opset}: float ONNX {floatBytes} bytes, compact {result.Bytes.Length} bytes, {ratio:F1}x smaller");

        var images = DatasetLocator.Load("fashion-mnist", null, train: false).Take(1000).ToFloatImages();
        var engine = GraphModule.FromGraph(dense).Forward(new Tensor(images, [1000, 1, 28, 28])).ToArray();
        using var session = OnnxRuntimeSession.FromBytes(result.Bytes);
        var ort = session.Run(images, [1000, 1, 28, 28], out var shape);

        Assert.Equal([1000L, 10], shape);
        var difference = Parity.MaxRelativeDifference(ort, engine, 10);
        var agree = Parity.ArgMax(engine, 10).Zip(Parity.ArgMax(ort, 10)).Count(p => p.First == p.Second);
        output.WriteLine($"ORT {OnnxRuntimeSession.RuntimeVersion} on compact vs engine on dense: max relative difference {difference:E2}, classes agree on {agree}/1000");
        Assert.Equal(1000, agree);
        Assert.True(difference < 1e-4, $"relative difference {difference}");
        // Measured 11.5x (opset 17: 149,798 vs 1,725,425 bytes) and 12.6x (opset 21: 137,296 bytes); most of what is left is
        // fc1's INT64 sparse indices (8 bytes per nonzero, as ONNX prescribes). The floors leave margin for graph-size drift.
        Assert.True(ratio > (opset == 21 ? 11.5 : 10.5), $"compact file only {ratio:F1}x smaller than float ONNX");
    }

    [Fact]
    public void Each_weight_gets_the_encoding_its_values_allow()
    {
        var dense = CompressedLeNet.Create();
        var at17 = CompactOnnxWriter.Export(dense).Tensors.ToDictionary(t => t.Name, t => t.Encoding);
        var at21 = CompactOnnxWriter.Export(dense, new CompactOnnxOptions { Opset = 21 }).Tensors.ToDictionary(t => t.Name, t => t.Encoding);

        Assert.Equal(CompactTensorEncoding.Int8, at17["conv1.weight"]);
        Assert.Equal(CompactTensorEncoding.Int8, at17["conv2.weight"]);
        Assert.Equal(CompactTensorEncoding.SparseInt8, at17["fc1.weight"]);
        Assert.Equal(CompactTensorEncoding.SparseFloat, at17["fc2.weight"]);
        Assert.Equal(CompactTensorEncoding.Int8, at21["conv1.weight"]);
        Assert.Equal(CompactTensorEncoding.Int4, at21["conv2.weight"]);
        Assert.Equal(CompactTensorEncoding.SparseInt8, at21["fc1.weight"]);
        Assert.Equal(CompactTensorEncoding.SparseFloat, at21["fc2.weight"]);
        // Biases (< 256 elements) are left alone.
        Assert.DoesNotContain("fc2.bias", at17.Keys);
    }

    [Fact]
    public void The_file_holds_sparse_initializers_int4_levels_and_dequantize_nodes()
    {
        var result = CompactOnnxWriter.Export(CompressedLeNet.Create(), new CompactOnnxOptions { Opset = 21 });
        var model = ModelProto.Parser.ParseFrom(result.Bytes);

        Assert.Equal(21, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.True(model.IrVersion >= 10);
        Assert.Equal(["fc1.weight_quantized", "fc2.weight"], model.Graph.SparseInitializer.Select(s => s.Values.Name).Order());
        var fc2 = model.Graph.SparseInitializer.Single(s => s.Values.Name == "fc2.weight");
        Assert.Equal([10L, 500], fc2.Dims);
        Assert.Equal(1000, fc2.Values.Dims.Single());
        Assert.Equal((int)TensorProto.Types.DataType.Int64, fc2.Indices.DataType);
        Assert.Equal(22, model.Graph.Initializer.Single(t => t.Name == "conv2.weight_quantized").DataType); // INT4
        Assert.Equal(25_000 / 2, model.Graph.Initializer.Single(t => t.Name == "conv2.weight_quantized").RawData.Length);
        var dequantize = model.Graph.Node.Where(n => n.OpType == "DequantizeLinear").Select(n => n.Output.Single()).Order();
        Assert.Equal(["conv1.weight", "conv2.weight", "fc1.weight"], dequantize);
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name is "conv1.weight" or "conv2.weight" or "fc1.weight" or "fc2.weight");
    }

    [Fact]
    public void Without_sparse_initializers_pruned_weights_stay_dense_integer_or_float()
    {
        var result = CompactOnnxWriter.Export(CompressedLeNet.Create(), new CompactOnnxOptions { Opset = 21, SparseInitializers = false });
        var model = ModelProto.Parser.ParseFrom(result.Bytes);

        Assert.Empty(model.Graph.SparseInitializer);
        var encodings = result.Tensors.ToDictionary(t => t.Name, t => t.Encoding);
        Assert.Equal(CompactTensorEncoding.Int4, encodings["fc1.weight"]);
        Assert.Equal(CompactTensorEncoding.Float, encodings["fc2.weight"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(21)]
    public void Reading_back_and_folding_gives_the_dense_weights_bit_for_bit(int? opset)
    {
        var dense = CompressedLeNet.Create();
        var bytes = CompactOnnxWriter.Export(dense, new CompactOnnxOptions { Opset = opset }).Bytes;
        var read = new OnnxFormat().FromBytes(bytes);
        var folded = DequantizeLinearFolding.Fold(read);

        Assert.DoesNotContain(folded.Nodes, n => n.OpType == "DequantizeLinear");
        Assert.Equal(dense.Initializers.Select(t => t.Name).Order(), folded.Initializers.Select(t => t.Name).Order());
        foreach (var expected in dense.Initializers)
        {
            var actual = folded.Initializer(expected.Name)!;
            Assert.Equal(expected.Dims, actual.Dims);
            Assert.Equal(ElementType.Float32, actual.ElementType);
            Assert.Equal(expected.Floats!.Select(BitConverter.SingleToInt32Bits), actual.Floats!.Select(BitConverter.SingleToInt32Bits));
        }
        // And the engine runs the folded graph exactly like the original.
        var images = DatasetLocator.Load("fashion-mnist", null, train: false).Take(16).ToFloatImages();
        var a = GraphModule.FromGraph(dense).Forward(new Tensor(images, [16, 1, 28, 28])).ToArray();
        var b = GraphModule.FromGraph(folded).Forward(new Tensor(images, [16, 1, 28, 28])).ToArray();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Codebook_levels_stay_float_and_are_named_in_the_metadata()
    {
        var graph = ModelZoo.Create("lenet5", 3);
        var w = graph.Initializer("conv2.weight")!.Floats!;
        float[] codebook = [-0.11f, -0.02f, 0.013f, 0.07f, 0.19f];
        for (int i = 0; i < w.Length; i++) w[i] = codebook[i % codebook.Length];

        var result = CompactOnnxWriter.Export(graph);
        var report = result.Tensors.Single(t => t.Name == "conv2.weight");
        Assert.Equal(CompactTensorEncoding.Float, report.Encoding);
        Assert.Equal(5, report.Levels);
        Assert.Contains("codebook", report.Note);
        var read = new OnnxFormat().FromBytes(result.Bytes);
        Assert.Equal("conv2.weight=5 levels", read.Metadata[CompactOnnxWriter.FloatCodebookMetadataKey]);
        Assert.Equal(w, read.Initializer("conv2.weight")!.Floats);
    }

    [Fact]
    public void Lowering_the_opset_or_crossing_a_breaking_change_is_refused()
    {
        var graph = CompressedLeNet.Create();
        var lower = Assert.Throws<ModelFormatException>(() => CompactOnnxWriter.Export(graph, new CompactOnnxOptions { Opset = 11 }));
        Assert.Contains("cannot lower", lower.Message);

        graph.OpsetVersion = 11;
        graph.Nodes.Add(new GraphNode { Name = "probs", OpType = "Softmax", Inputs = ["logits"], Outputs = ["probs"] });
        var softmax = Assert.Throws<ModelFormatException>(() => CompactOnnxWriter.Export(graph, new CompactOnnxOptions { Opset = 21 }));
        Assert.Contains("node 'probs' (Softmax)", softmax.Message);
        Assert.Equal(11, CompactOnnxWriter.Export(graph).Opset);
    }
}
