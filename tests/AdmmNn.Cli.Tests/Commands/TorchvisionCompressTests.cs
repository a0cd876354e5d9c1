using AdmmNn.Abstractions.Models;
using AdmmNn.OnnxRuntime;
using AdmmNn.Plugins.Onnx;
using AdmmNn.Runtime;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Modules;
using AdmmNn.TestUtilities;
using Xunit.Abstractions;

namespace AdmmNn.Cli.Tests.Commands;

/// <summary>
/// A PyTorch-exported torchvision CNN through compress and pack (issue 18): 2x unstructured pruning of every conv and
/// linear weight at 8 bits on Fashion-MNIST-derived RGB 64x64 data; the file read back satisfies the constraints, runs
/// the same in ONNX Runtime as in the engine, and the packed model's top-1 equals the engine's on 256 inputs.
/// SqueezeNet runs by default; ADMMNN_TORCHVISION_ALL=1 runs all eight models at opsets 11, 13 and 17 (or
/// ADMMNN_TORCHVISION_CASES a list) (each line of
/// output is a row of the table: difference to ORT, compress wall time, packed size).
/// </summary>
[Collection(EngineThreadsCollection.Name)]
public sealed class TorchvisionCompressTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var (model, opset) in TorchvisionFixtures.Cases(("squeezenet1_1", 13))) data.Add(model, opset);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compresses_packs_and_keeps_its_top1(string name, int opset)
    {
        var model = TorchvisionFixtures.Get(name, opset);
        var compressed = Path.Combine(temp.Path, $"{name}.onnx");
        var packed = Path.Combine(temp.Path, $"{name}.admmnn");
        var policy = RepoPaths.Combine("samples", "policies", "torchvision-smoke.json");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var run = CliRun.Of("compress", model, "--data", TorchvisionFixtures.FashionRgb64(), "--policy", policy, "--out", compressed, "--threads", "2");
        var wall = clock.Elapsed.TotalSeconds;
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Equal(0, CliRun.Of("pack", compressed, "--out", packed).ExitCode);

        var bytes = File.ReadAllBytes(compressed);
        var graph = new OnnxFormat().FromBytes(bytes);
        var weights = graph.Nodes.Where(n => n.OpType is "Conv" or "Gemm" or "MatMul").Select(n => graph.Initializer(n.Inputs[1])!).ToList();
        Assert.NotEmpty(weights);
        foreach (var w in weights)
        {
            var nonZeros = w.Floats!.Count(v => v != 0);
            Assert.True(nonZeros <= (w.Floats!.Length + 1) / 2, $"{w.Name}: {nonZeros} nonzeros of {w.Floats!.Length}");
            Assert.True(w.Floats!.Where(v => v != 0).Distinct().Count() <= 256, $"{w.Name}: more than 8 bits of levels");
        }

        const int count = 256;
        var random = new Random(256);
        var inputs = new float[count * 3 * 64 * 64];
        for (var i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
        var engine = GraphModule.FromGraph(graph).Forward(new Tensor(inputs, [count, 3, 64, 64])).ToArray();
        using var session = OnnxRuntimeSession.FromBytes(bytes);
        var ort = session.Run(inputs, [count, 3, 64, 64], out _);
        var difference = MaxRelativeDifference(engine, ort);
        Assert.True(difference < 1e-4, $"engine vs ORT relative difference {difference}");

        var runtime = CompressedModel.Load(File.ReadAllBytes(packed));
        var logits = new float[count * 10];
        runtime.Run(inputs, count, logits);
        var agree = Enumerable.Range(0, count).Count(s => ArgMax(logits, s) == ArgMax(engine, s));
        output.WriteLine($"| {name} | {opset} | yes | {difference:E2} | {wall:0} | {new FileInfo(packed).Length:N0} | {agree}/{count} | {weights.Count} weights |");
        Assert.Equal(count, agree);
    }

    private static int ArgMax(float[] logits, int sample)
    {
        var best = 0;
        for (var i = 1; i < 10; i++) if (logits[sample * 10 + i] > logits[sample * 10 + best]) best = i;
        return best;
    }

    private static double MaxRelativeDifference(float[] actual, float[] expected)
    {
        double worst = 0;
        for (var s = 0; s < expected.Length / 10; s++)
        {
            double scale = 0, diff = 0;
            for (var i = s * 10; i < s * 10 + 10; i++)
            {
                scale = Math.Max(scale, Math.Abs(expected[i]));
                diff = Math.Max(diff, Math.Abs((double)actual[i] - expected[i]));
            }
            worst = Math.Max(worst, diff / Math.Max(scale, 1e-12));
        }
        return worst;
    }
}
