using AdmmNn.Data.Datasets;
using AdmmNn.OnnxRuntime;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Modules;
using Xunit.Abstractions;

namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>The PyTorch-exported LeNet-5 through the engine, against PyTorch's own outputs and against ONNX Runtime.</summary>
public sealed class EngineParityTests(ITestOutputHelper output)
{
    [Fact]
    public void Engine_reproduces_pytorch_outputs_on_the_fixture()
    {
        var graph = new OnnxFormat().FromBytes(File.ReadAllBytes(TestFiles.LeNetFixture));
        var module = GraphModule.FromGraph(graph);
        var input = OnnxTensorFile.Read(Path.Combine(TestFiles.LeNetFixtureData, "input_0.pb"));
        var expected = OnnxTensorFile.Read(Path.Combine(TestFiles.LeNetFixtureData, "output_0.pb"));
        var logits = module.Forward(new Tensor(input.Floats!, [4, 1, 28, 28])).ToArray();
        var difference = Parity.MaxRelativeDifference(logits, expected.Floats!, 10);
        output.WriteLine($"engine vs PyTorch 1.13: max relative difference {difference:E2}");
        Assert.True(difference < 1e-4, $"relative difference {difference}");
    }

    [Fact]
    public void Engine_and_onnx_runtime_agree_on_1000_fashion_mnist_images()
    {
        var bytes = File.ReadAllBytes(TestFiles.LeNetFixture);
        var module = GraphModule.FromGraph(new OnnxFormat().FromBytes(bytes));
        using var session = OnnxRuntimeSession.FromBytes(bytes);
        var images = DatasetLocator.Load("fashion-mnist", null, train: false).Take(1000).ToFloatImages();

        var engine = module.Forward(new Tensor(images, [1000, 1, 28, 28])).ToArray();
        var ort = session.Run(images, [1000, 1, 28, 28], out _);

        var difference = Parity.MaxRelativeDifference(engine, ort, 10);
        var agreement = Parity.ArgMax(engine, 10).Zip(Parity.ArgMax(ort, 10)).Count(p => p.First == p.Second);
        output.WriteLine($"engine vs ONNX Runtime {OnnxRuntimeSession.RuntimeVersion}: max relative difference {difference:E2}, classes agree on {agreement}/1000");
        Assert.True(difference < 1e-4, $"relative difference {difference}");
        Assert.Equal(1000, agreement);
    }
}
