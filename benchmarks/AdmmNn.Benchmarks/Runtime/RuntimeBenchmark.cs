using System.Globalization;
using AdmmNn.Abstractions.Models;
using AdmmNn.OnnxRuntime;
using AdmmNn.Plugins.Onnx;
using AdmmNn.Runtime;
using AdmmNn.Runtime.Format;
using AdmmNn.Runtime.Tests.Support;
using AdmmNn.Tensors.Models;

namespace AdmmNn.Benchmarks.Runtime;

/// <summary>
/// Issue 6's side-by-side: LeNet-5 pruned about 80x with 3-bit weights, packed and run by AdmmNn.Runtime, against the dense
/// float32 model on ONNX Runtime (1 and 2 intra-op threads). Batch-1 latency, batch-256 throughput and file sizes.
/// Targets: batch-1 latency at most 0.5x ORT dense; batch-256 throughput at least 1.5x ORT dense; packed file at most 1/150
/// of the dense ONNX file.
/// </summary>
public static class RuntimeBenchmark
{
    public static void Run(TextWriter output, bool quick, string[] args)
    {
        string? densePath = Option(args, "--dense"), compressedPath = Option(args, "--compressed");
        var onnx = new OnnxFormat();
        ModelGraph dense, compressed;
        byte[] denseBytes;
        if (densePath is not null && compressedPath is not null)
        {
            denseBytes = File.ReadAllBytes(densePath);
            dense = onnx.Read(new MemoryStream(denseBytes), null);
            compressed = onnx.Read(File.OpenRead(compressedPath), null);
            output.WriteLine($"models: dense {densePath}, compressed {compressedPath}");
        }
        else
        {
            // Self-contained: the zoo's LeNet-5 (speed does not depend on training), magnitude-pruned and 3-bit quantised.
            dense = ModelZoo.Create("lenet5", seed: 7);
            denseBytes = onnx.ToBytes(dense);
            compressed = SimpleCompression.PruneAndQuantize(ModelZoo.Create("lenet5", seed: 7), SimpleCompression.LeNet80x, bits: 3);
            output.WriteLine("models: ModelZoo lenet5 (seed 7); compressed = magnitude top-k (keep conv1 50%, conv2 10%, fc1 0.5%, fc2 10%) + 3-bit symmetric levels");
        }

        var packedStream = new MemoryStream();
        var summary = PackedModelWriter.Write(compressed, packedStream);
        var packed = packedStream.ToArray();
        var model1 = CompressedModel.Load(packed);
        var model2 = CompressedModel.Load(packed, new CompressedModelOptions { Threads = 2 });
        using var ort1 = OnnxRuntimeSession.FromBytes(denseBytes, new OnnxRuntimeSessionOptions { IntraOpThreads = 1 });
        using var ort2 = OnnxRuntimeSession.FromBytes(denseBytes, new OnnxRuntimeSessionOptions { IntraOpThreads = 2 });

        long nonZeros = summary.Tensors.Sum(t => t.Plan.NonZeros);
        output.WriteLine($"weights: {summary.Parameters:N0} dense, {nonZeros:N0} nonzero ({(double)summary.Parameters / nonZeros:F1}x); " +
            $"layers: {string.Join(", ", model1.Layers.Select(l => $"{l.Name} {l.Kernel} {l.NonZeros}/{l.Weights}"))}");
        output.WriteLine($"files: dense ONNX {denseBytes.Length:N0} B, packed {packed.Length:N0} B (payload {summary.PayloadBytes:N0} + header/graph {summary.HeaderAndGraphBytes:N0}) " +
            $"= 1/{(double)denseBytes.Length / packed.Length:F0} of the dense ONNX file (target <= 1/150)");

        const int batch = 256;
        var rng = new Random(1);
        var images = new float[batch * 784];
        for (int i = 0; i < images.Length; i++) images[i] = (float)rng.NextDouble();
        var one = images.AsSpan(0, 784).ToArray();
        var logits = new float[batch * 10];
        var single = new float[10];

        // Same answers first: a benchmark of a wrong kernel is worthless.
        var ortLogits = ort1.Run(images, [batch, 1, 28, 28], out _);
        var denseRuntime = CompressedModel.Load(PackDense(dense));
        denseRuntime.Run(images, batch, logits);
        double worst = 0;
        for (int r = 0; r < batch; r++)
        {
            double scale = 1e-12;
            for (int j = 0; j < 10; j++) scale = Math.Max(scale, Math.Abs(ortLogits[r * 10 + j]));
            for (int j = 0; j < 10; j++) worst = Math.Max(worst, Math.Abs(logits[r * 10 + j] - ortLogits[r * 10 + j]) / scale);
        }
        output.WriteLine($"check: runtime (dense model) vs ORT logits, worst difference {worst:E1} of the row's largest logit");

        int rounds = quick ? 3 : 7;
        double roundSeconds = quick ? 0.1 : 0.3;
        var b1Runtime = Time(() => model1.Run(one, single), rounds, roundSeconds);
        var b1Ort1 = Time(() => ort1.Run(one, [1, 1, 28, 28], out _), rounds, roundSeconds);
        var b1Ort2 = Time(() => ort2.Run(one, [1, 1, 28, 28], out _), rounds, roundSeconds);
        var bRuntime1 = Time(() => model1.Run(images, batch, logits), rounds, roundSeconds);
        var bRuntime2 = Time(() => model2.Run(images, batch, logits), rounds, roundSeconds);
        var bOrt1 = Time(() => ort1.Run(images, [batch, 1, 28, 28], out _), rounds, roundSeconds);
        var bOrt2 = Time(() => ort2.Run(images, [batch, 1, 28, 28], out _), rounds, roundSeconds);

        output.WriteLine();
        output.WriteLine($"ORT {OnnxRuntimeSession.RuntimeVersion}. Wall: median of {rounds} rounds (best in brackets). CPU: process CPU seconds per call,");
        output.WriteLine("which a busy machine distorts far less than wall time (1-thread rows only; with 2 threads CPU time is not a speed).");
        output.WriteLine($"{"",-34} {"batch-1 wall",20} {"batch-1 CPU",12} {"batch-256 wall",26} {"batch-256 CPU",18}");
        Row(output, "AdmmNn.Runtime packed, 1 thread", b1Runtime, bRuntime1, batch, cpu: true);
        Row(output, "AdmmNn.Runtime packed, 2 threads", b1Runtime, bRuntime2, batch, cpu: false);
        Row(output, "ONNX Runtime dense, 1 thread", b1Ort1, bOrt1, batch, cpu: true);
        Row(output, "ONNX Runtime dense, 2 threads", b1Ort2, bOrt2, batch, cpu: false);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch-1 latency, runtime / ORT (target <= 0.5x): wall {b1Runtime.Median / b1Ort1.Median:F2}x vs ORT 1 thread, {b1Runtime.Median / b1Ort2.Median:F2}x vs 2 threads; CPU {b1Runtime.Cpu / b1Ort1.Cpu:F2}x vs 1 thread"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch-256 throughput, runtime / ORT (target >= 1.5x): wall {bOrt1.Median / bRuntime1.Median:F2}x at 1 thread, {bOrt2.Median / bRuntime2.Median:F2}x at 2 threads; CPU {bOrt1.Cpu / bRuntime1.Cpu:F2}x at 1 thread"));
    }

    private readonly record struct Timing(double Median, double Best, double Cpu);

    private static Timing Time(Action action, int rounds, double roundSeconds)
    {
        var (median, best) = Measurement.SecondsPerCall(action, rounds, roundSeconds);
        // CPU seconds per call over a separate window of about rounds x roundSeconds of wall time.
        int calls = Math.Max(3, (int)(rounds * roundSeconds / Math.Max(median, 1e-7)));
        var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        for (int i = 0; i < calls; i++) action();
        process.Refresh();
        return new Timing(median, best, (process.TotalProcessorTime - before).TotalSeconds / calls);
    }

    private static void Row(TextWriter output, string name, Timing b1, Timing bn, int batch, bool cpu) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-34} {b1.Median * 1e6,9:F1} us ({b1.Best * 1e6,6:F1}) {(cpu ? $"{b1.Cpu * 1e6:F1} us" : "-"),12} {batch / bn.Median,12:N0} img/s ({batch / bn.Best,7:N0}) {(cpu ? $"{batch / bn.Cpu:N0} img/s" : "-"),18}"));

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static byte[] PackDense(ModelGraph g)
    {
        using var ms = new MemoryStream();
        PackedModelWriter.Write(g, ms);
        return ms.ToArray();
    }
}
