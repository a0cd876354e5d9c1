using AdmmNn.Data.Datasets;
using AdmmNn.OnnxRuntime;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using Xunit.Abstractions;

namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>Graphs built by the engine's model zoo export to ONNX files that ONNX Runtime loads and agrees with.</summary>
public sealed class ModelZooExportTests(ITestOutputHelper output)
{
    public static TheoryData<string> Architectures => [.. ModelZoo.Architectures];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Exported_zoo_models_run_in_onnx_runtime_like_in_the_engine(string arch)
    {
        var graph = ModelZoo.Create(arch, seed: 11);
        var module = GraphModule.FromGraph(graph);
        using var session = OnnxRuntimeSession.FromBytes(new OnnxFormat().ToBytes(graph));
        var images = DatasetLocator.Load("fashion-mnist", null, train: false).Take(64).ToFloatImages();

        var engine = module.Forward(new Tensor(images, [64, 1, 28, 28])).ToArray();
        var ort = session.Run(images, [64, 1, 28, 28], out var shape);

        Assert.Equal([64L, 10], shape);
        var difference = Parity.MaxRelativeDifference(ort, engine, 10);
        output.WriteLine($"{arch}: ORT vs engine max relative difference {difference:E2}");
        Assert.True(difference < 1e-4, $"{arch}: relative difference {difference}");
        Assert.Equal(Parity.ArgMax(engine, 10), Parity.ArgMax(ort, 10));
    }
}
