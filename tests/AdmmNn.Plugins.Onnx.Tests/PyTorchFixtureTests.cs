using AdmmNn.Abstractions.Models;

namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>The committed LeNet-5 exported by PyTorch 1.13 (samples/models/export_lenet5_pytorch.py).</summary>
public sealed class PyTorchFixtureTests
{
    [Fact]
    public void Imports_with_the_caffe_lenet5_layout()
    {
        using var stream = File.OpenRead(TestFiles.LeNetFixture);
        var graph = new OnnxFormat().Read(stream, Path.GetDirectoryName(TestFiles.LeNetFixture));

        Assert.Equal(13, graph.OpsetVersion);
        Assert.Equal("pytorch", graph.ProducerName);
        Assert.Equal(["Conv", "MaxPool", "Conv", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm"], graph.Nodes.Select(n => n.OpType));
        Assert.Equal("input", Assert.Single(graph.Inputs).Name);
        Assert.Equal([-1L, 1, 28, 28], graph.Inputs[0].Dims);
        Assert.Equal("logits", Assert.Single(graph.Outputs).Name);
        Assert.Equal([20L, 1, 5, 5], graph.Initializer("conv1.weight")!.Dims);
        Assert.Equal([50L, 20, 5, 5], graph.Initializer("conv2.weight")!.Dims);
        Assert.Equal([500L, 800], graph.Initializer("fc1.weight")!.Dims);
        Assert.Equal([10L, 500], graph.Initializer("fc2.weight")!.Dims);
        var weights = graph.Initializers.Where(t => t.Name.EndsWith(".weight", StringComparison.Ordinal)).Sum(t => t.ElementCount);
        Assert.Equal(430_500, weights);
    }

    [Fact]
    public void Export_keeps_every_weight_bit_exact()
    {
        var format = new OnnxFormat();
        var graph = format.FromBytes(File.ReadAllBytes(TestFiles.LeNetFixture));
        var again = format.FromBytes(format.ToBytes(graph));
        foreach (var tensor in graph.Initializers)
            Assert.Equal(tensor.Floats, again.Initializer(tensor.Name)!.Floats!);
        Assert.Equal(graph.Nodes.Select(n => n.OpType), again.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void Reference_tensors_parse()
    {
        var input = OnnxTensorFile.Read(Path.Combine(TestFiles.LeNetFixtureData, "input_0.pb"));
        var output = OnnxTensorFile.Read(Path.Combine(TestFiles.LeNetFixtureData, "output_0.pb"));
        Assert.Equal([4L, 1, 28, 28], input.Dims);
        Assert.Equal([4L, 10], output.Dims);
        Assert.Equal(ElementType.Float32, output.ElementType);
        Assert.All(input.Floats!, v => Assert.InRange(v, 0f, 1f));
    }
}
