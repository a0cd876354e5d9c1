using AdmmNn.Abstractions.Models;
using AdmmNn.Graph.Shapes;
using AdmmNn.OnnxRuntime;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Losses;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.TestUtilities;
using Xunit.Abstractions;

namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>
/// torchvision CNNs as PyTorch exports them (issue 18): import simplifies every shape computation away, the engine's
/// eval-mode logits match ONNX Runtime's, and one training step lowers the loss. A subset runs by default; set
/// ADMMNN_TORCHVISION_ALL=1 for all eight models at opsets 11, 13 and 17 (benchmarks/torchvision/matrix.sh does).
/// </summary>
public sealed class TorchvisionImportTests(ITestOutputHelper output)
{
    private const int Samples = 16;

    /// <summary>Shape-computing ops that must not survive import.</summary>
    private static readonly string[] ShapeOps = ["Shape", "Gather", "Unsqueeze", "Squeeze", "Constant", "ConstantOfShape", "Range", "Cast", "Identity"];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        // By default one of each pattern: residual (13), Clip constants (11), channel shuffle + chunk (17), HardSwish + SE (17).
        foreach (var (model, opset) in TorchvisionFixtures.Cases(("resnet18", 13), ("mobilenet_v2", 11), ("shufflenet_v2_x0_5", 17), ("mobilenet_v3_small", 17)))
            data.Add(model, opset);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Imports_without_shape_ops_and_matches_onnx_runtime(string model, int opset)
    {
        var bytes = File.ReadAllBytes(TorchvisionFixtures.Get(model, opset));
        var graph = new OnnxFormat().FromBytes(bytes);

        Assert.DoesNotContain(graph.Nodes, n => ShapeOps.Contains(n.OpType));
        var shapes = ShapeInference.Infer(graph);
        shapes.RequireSupported();
        Assert.Equal("[N,10]", Dim.Format(shapes[graph.Outputs[0].Name]!));

        var input = RandomInput(Samples, seed: 18);
        var module = GraphModule.FromGraph(graph);
        var engine = module.Forward(new Tensor(input, [Samples, 3, 64, 64])).ToArray();
        using var session = OnnxRuntimeSession.FromBytes(bytes);
        var ort = session.Run(input, [Samples, 3, 64, 64], out _);
        var difference = Parity.MaxRelativeDifference(engine, ort, 10);
        output.WriteLine($"{model} opset {opset}: {graph.Nodes.Count} nodes after import; engine vs ORT max relative difference {difference:E2}");
        Assert.True(difference < 1e-4, $"relative difference {difference}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_training_step_lowers_the_loss(string model, int opset)
    {
        var graph = new OnnxFormat().FromBytes(File.ReadAllBytes(TorchvisionFixtures.Get(model, opset)));
        var module = GraphModule.FromGraph(graph);
        module.Training = true;
        const int batch = 8;
        var input = new Tensor(RandomInput(batch, seed: 5), [batch, 3, 64, 64]);
        var labels = Enumerable.Range(0, batch).Select(i => i % 10).ToArray();
        var optimizer = new Sgd(module.Parameters, learningRate: 0.01);

        double Loss(bool step)
        {
            var logits = module.Forward(input);
            var gradient = new float[logits.AsSpan().Length];
            var (loss, _) = CrossEntropyLoss.Compute(logits.AsSpan(), 10, labels, gradient);
            if (step)
            {
                optimizer.ZeroGrad();
                module.Backward(new Tensor(gradient, [batch, 10]));
                optimizer.Step();
            }
            return loss;
        }

        var before = Loss(step: true);
        var after = Loss(step: false);
        output.WriteLine($"{model} opset {opset}: loss {before:F4} -> {after:F4} after one SGD step");
        Assert.True(after < before, $"loss {before} -> {after}");
    }

    private static float[] RandomInput(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count * 3 * 64 * 64];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
