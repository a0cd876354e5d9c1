using System.Globalization;
using System.Text.Json;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Hardware;
using AdmmNn.Plugins.HostCpu;
using AdmmNn.Plugins.Onnx;
using AdmmNn.Runtime;
using AdmmNn.Runtime.Format;

namespace AdmmNn.Benchmarks.BreakEven;

/// <summary>
/// Checks the host-cpu target's prediction in the runtime: for each LeNet-5 layer it measures the break-even pruning
/// ratio (host-cpu target, KernelTimer), then packs LeNet-5 with that layer pruned to half and to twice the ratio and
/// times the layer inside <see cref="CompressedModel"/> with dense and with sparse kernels. The prediction holds when
/// the layer runs faster sparse above the break-even and faster dense below it.
/// </summary>
public static class BreakEvenBenchmark
{
    /// <summary>Runs the benchmark: <c>[--quick] [--model lenet.onnx]</c> (default samples/models/lenet5_pytorch.onnx).</summary>
    public static void Run(TextWriter output, string[] args)
    {
        var quick = args.Contains("--quick");
        var at = Array.IndexOf(args, "--model");
        var modelPath = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        modelPath ??= Path.Combine(RepoRoot(), "samples", "models", "lenet5_pytorch.onnx");
        output.WriteLine($"host-cpu break-even check on {Path.GetFileName(modelPath)}; load average {LoadAverage()}; {Environment.ProcessorCount} cores");
        var profile = quick ? """{ "useCache": false, "repetitions": 11, "rounds": 2, "searchSteps": 6 }""" : """{ "useCache": false }""";
        output.WriteLine($"host-cpu profile: {profile}");
        var target = new HostCpuTargetFactory().Create(JsonDocument.Parse(profile).RootElement);
        var graph = Load(modelPath);
        var layers = BreakEvenAnalyzer.Workloads(graph, [1, 28, 28]);

        output.WriteLine();
        output.WriteLine($"{"layer",-13} {"op",-5} {"shape",-12} {"MACs",10} {"dense us",9} {"break-even",10}");
        var breakEven = new Dictionary<string, double>();
        foreach (var layer in layers)
        {
            breakEven[layer.Name] = target.BreakEvenPruningRatio(layer);
            output.WriteLine($"{layer.Name,-13} {layer.OpType,-5} {Shape(layer),-12} {layer.DenseMacs,10:N0} {target.EstimateDense(layer).LatencySeconds * 1e6,9:0.0} {Ratio(breakEven[layer.Name]),10}");
        }

        output.WriteLine();
        output.WriteLine("in the runtime (CompressedModel.Profile, batch 1, fastest of the rounds, only this layer pruned):");
        output.WriteLine($"{"layer",-13} {"ratio",8} {"vs b-e",7} {"dense us",9} {"sparse us",10} {"faster",7} {"predicted",9}  result");
        int held = 0, cases = 0;
        var rounds = quick ? 3 : 7;
        var repetitions = quick ? 20 : 50;
        foreach (var layer in layers)
        {
            var be = breakEven[layer.Name];
            if (!double.IsFinite(be)) { output.WriteLine($"{layer.Name,-13} sparse never wins up to the search limit: not checked"); continue; }
            foreach (var ratio in new[] { be / 2, be * 2 })
            {
                if (ratio < 1) { output.WriteLine($"{layer.Name,-13} {Ratio(ratio),8} below 1x: nothing to prune"); continue; }
                var (dense, sparse) = TimeLayer(modelPath, layer, ratio, rounds, repetitions);
                var predictedSparse = ratio >= be;
                var fasterSparse = sparse < dense;
                cases++;
                if (predictedSparse == fasterSparse) held++;
                output.WriteLine($"{layer.Name,-13} {Ratio(ratio),8} {(ratio >= be ? "above" : "below"),7} {dense * 1e6,9:0.0} {sparse * 1e6,10:0.0} " +
                                 $"{(fasterSparse ? "sparse" : "dense"),7} {(predictedSparse ? "sparse" : "dense"),9}  {(predictedSparse == fasterSparse ? "holds" : "MISSED")}");
            }
        }
        output.WriteLine();
        output.WriteLine($"prediction held in {held} of {cases} cases");
    }

    /// <summary>Seconds the layer's node takes per sample with dense and with sparse kernels, the fastest of several rounds each.</summary>
    private static (double Dense, double Sparse) TimeLayer(string modelPath, LayerWorkload layer, double ratio, int rounds, int repetitions)
    {
        var graph = Load(modelPath);
        var weights = graph.Initializer(layer.Name)!.Floats!;
        var keep = (int)Math.Max(1, Math.Round(weights.Length / ratio));
        // Random positions (the kernel's speed depends on the count, not on which weights survive).
        var rng = new Random(11);
        var order = Enumerable.Range(0, weights.Length).ToArray();
        rng.Shuffle(order);
        foreach (var i in order.Skip(keep)) weights[i] = 0f;
        var node = graph.Nodes.First(n => n.Inputs.Count > 1 && n.Inputs[1] == layer.Name).Name;

        using var stream = new MemoryStream();
        PackedModelWriter.Write(graph, stream);
        var bytes = stream.ToArray();
        var dense = CompressedModel.Load(bytes, new CompressedModelOptions { Kernels = KernelChoice.Dense });
        var sparse = CompressedModel.Load(bytes, new CompressedModelOptions { Kernels = KernelChoice.Sparse });
        var input = new float[dense.InputSize];
        for (var i = 0; i < input.Length; i++) input[i] = (float)rng.NextDouble();
        dense.Profile(input, 1, repetitions);
        sparse.Profile(input, 1, repetitions);
        double bestDense = double.PositiveInfinity, bestSparse = double.PositiveInfinity;
        for (var r = 0; r < rounds; r++)
        {
            bestDense = Math.Min(bestDense, Of(dense.Profile(input, 1, repetitions), node));
            bestSparse = Math.Min(bestSparse, Of(sparse.Profile(input, 1, repetitions), node));
        }
        return (bestDense / 1000, bestSparse / 1000);
    }

    private static double Of(IReadOnlyList<LayerTiming> timings, string node) =>
        timings.FirstOrDefault(t => t.Name == node)?.Milliseconds
        ?? throw new InvalidOperationException($"the runtime plan has no node '{node}' (nodes: {string.Join(", ", timings.Select(t => t.Name))})");

    private static ModelGraph Load(string path)
    {
        using var stream = File.OpenRead(path);
        return new OnnxFormat().Read(stream, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    private static string Shape(LayerWorkload layer) => "[" + string.Join("x", layer.WeightShape) + "]";

    private static string Ratio(double r) => double.IsPositiveInfinity(r) ? "never" : r.ToString("0.00", CultureInfo.InvariantCulture) + "x";

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AdmmNn.sln"))) return dir.FullName;
        throw new InvalidOperationException("run from inside the repository (AdmmNn.sln not found above the working directory)");
    }
}
