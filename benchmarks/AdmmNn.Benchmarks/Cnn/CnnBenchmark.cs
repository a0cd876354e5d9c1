using System.Globalization;
using AdmmNn.Benchmarks.LeNet5;
using AdmmNn.OnnxRuntime;
using AdmmNn.Plugins.Onnx;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Parallelism;
using AdmmNn.Tensors.Training;

namespace AdmmNn.Benchmarks.Cnn;

/// <summary>
/// Issue 13's side-by-side: resnet-small, a MobileNetV2-style depthwise/pointwise net at 28×28 and torchvision resnet18
/// at 3×32×32, trained (batch 64, 256; SGD momentum, cross-entropy) and run for inference (batch 256 and 1) by the engine
/// with each GEMM backend and, in the same run, by PyTorch (benchmarks/pytorch_cnn.py) and, for resnet-small's inference,
/// ONNX Runtime (dense, same threads). Prints our/PyTorch ratios and images per process CPU-second.
/// </summary>
public static class CnnBenchmark
{
    private const int Threads = 2;

    /// <summary>Targets of issue 13 (ours / PyTorch, median wall): training b64 and b256, inference b256.</summary>
    private static (double Train, double Infer) Target(string net) => net == "resnet18-32" ? (1.0, 1.5) : (1.5, 1.5);

    public static void Run(TextWriter output, string[] args, IReadOnlyList<GemmBackend> backends)
    {
        bool quick = args.Contains("--quick");
        double roundSeconds = quick ? 0.3 : 1.0;
        int rounds = quick ? 3 : 5;
        string? netList = Option(args, "--nets");
        IReadOnlyList<string> nets = netList is null ? CnnNets.Names : netList.Split(',');
        output.WriteLine($"CNN benchmark  {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC  cores={Environment.ProcessorCount}  threads={Threads}");
        output.WriteLine($"load average at start: {LoadAverage()}");
        output.WriteLine($"managed GEMM kernel: {Gemm.ManagedKernel}; OpenBLAS: {(Gemm.IsOpenBlasAvailable ? Gemm.OpenBlasDescription : "not available")}; OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(unset)"}");
        foreach (string net in nets)
        {
            var results = new List<LeNet5Figures>();
            GemmBackend original = Gemm.Backend;
            int originalGemmThreads = Gemm.Threads, originalWorkers = Workers.Threads;
            try
            {
                Gemm.Threads = Workers.Threads = Threads;
                foreach (GemmBackend backend in backends)
                {
                    Gemm.Backend = backend;
                    results.Add(MeasureEngine(net, $"AdmmNn ({backend})", roundSeconds, rounds));
                }
            }
            finally
            {
                Gemm.Backend = original;
                Gemm.Threads = originalGemmThreads;
                Workers.Threads = originalWorkers;
            }

            LeNet5Figures? torch = null;
            if (!args.Contains("--no-pytorch"))
            {
                torch = PyTorchRunner.Run(Threads, roundSeconds, rounds, output, "pytorch_cnn.py", ["--net", net])?.Figures;
                if (torch is not null)
                {
                    results.Add(torch);
                }
            }

            // PyTorch's OpenMP threads spin at barriers and collapse when other processes compete for the cores; a
            // 1-thread run is the load-robust reference for CPU cost (images per CPU-second).
            LeNet5Figures? torchSingle = torch is not null ? PyTorchRunner.Run(1, roundSeconds, rounds, output, "pytorch_cnn.py", ["--net", net])?.Figures : null;
            if (torchSingle is not null)
            {
                results.Add(torchSingle);
            }

            LeNet5Figures? ort = net == "resnet-small" && !args.Contains("--no-ort") ? MeasureOrt(net, roundSeconds, rounds, output) : null;
            if (ort is not null)
            {
                results.Add(ort);
            }

            Print(output, net, results, torch, torchSingle, ort);
        }

        output.WriteLine();
        output.WriteLine($"load average at end: {LoadAverage()}");
    }

    private static LeNet5Figures MeasureEngine(string net, string label, double roundSeconds, int rounds)
    {
        GraphModule model = GraphModule.FromGraph(CnnNets.Create(net, seed: 1));
        var trainer = new Trainer(model, new Sgd(model.Parameters, learningRate: 0.01, momentum: 0.9));
        var rng = new Random(0);
        Measurement.Timing Train(int batch)
        {
            Tensor images = RandomImages(rng, net, batch);
            int[] labels = Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray();
            return Measurement.Time(() => trainer.TrainBatch(images, labels), rounds, roundSeconds);
        }

        Measurement.Timing train64 = Train(64);
        Measurement.Timing train256 = Train(256);
        model.Training = false;
        Tensor batch256 = RandomImages(rng, net, 256);
        Measurement.Timing infer = Measurement.Time(() => model.Forward(batch256), rounds, roundSeconds);
        Tensor one = RandomImages(rng, net, 1);
        Measurement.Timing latency = Measurement.Time(() => model.Forward(one), rounds, roundSeconds);
        return Figures(label, train64, train256, infer, latency);
    }

    /// <summary>ONNX Runtime on the same graph exported to ONNX (inference only), or null when ORT cannot run here.</summary>
    private static LeNet5Figures? MeasureOrt(string net, double roundSeconds, int rounds, TextWriter output)
    {
        try
        {
            byte[] bytes = new OnnxFormat().ToBytes(CnnNets.Create(net, seed: 1));
            using var session = OnnxRuntimeSession.FromBytes(bytes, new OnnxRuntimeSessionOptions { IntraOpThreads = Threads });
            var rng = new Random(0);
            int[] shape = CnnNets.InputShape(net);
            float[] batch = RandomImages(rng, net, 256).ToArray(), one = RandomImages(rng, net, 1).ToArray();
            long[] batchShape = [256, .. shape.Select(d => (long)d)], oneShape = [1, .. shape.Select(d => (long)d)];
            Measurement.Timing infer = Measurement.Time(() => session.Run(batch, batchShape, out _), rounds, roundSeconds);
            Measurement.Timing latency = Measurement.Time(() => session.Run(one, oneShape, out _), rounds, roundSeconds);
            var none = new Measurement.Timing(double.NaN, double.NaN, double.NaN);
            return Figures($"ORT {OnnxRuntimeSession.RuntimeVersion}", none, none, infer, latency);
        }
        catch (Exception ex) when (ex is DllNotFoundException or InvalidOperationException or IOException or TypeInitializationException || ex.GetType().Name.Contains("OnnxRuntime", StringComparison.Ordinal))
        {
            output.WriteLine($"ONNX Runtime: skipped ({ex.GetType().Name}: {ex.Message})");
            return null;
        }
    }

    private static LeNet5Figures Figures(string label, Measurement.Timing t64, Measurement.Timing t256, Measurement.Timing infer, Measurement.Timing b1) =>
        new(label, 64 / t64.Median, 64 / t64.Best, 256 / t256.Median, 256 / t256.Best, 256 / infer.Median, 256 / infer.Best,
            b1.Median * 1e3, b1.Best * 1e3, 64 / t64.CpuPerCall, 256 / t256.CpuPerCall, 256 / infer.CpuPerCall, b1.CpuPerCall * 1e3);

    private static Tensor RandomImages(Random rng, string net, int batch)
    {
        int[] shape = [batch, .. CnnNets.InputShape(net)];
        var data = new float[Tensor.SizeOf(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)rng.NextDouble();
        }

        return new Tensor(data, shape);
    }

    private static void Print(TextWriter output, string net, List<LeNet5Figures> results, LeNet5Figures? torch, LeNet5Figures? torchSingle, LeNet5Figures? ort)
    {
        string[] metrics = ["train b64 img/s", "train b256 img/s", "infer b256 img/s", "latency b1 ms"];
        string[] cpuMetrics = ["train b64 img/CPU-s", "train b256 img/CPU-s", "infer b256 img/CPU-s", "latency b1 CPU ms"];
        output.WriteLine();
        output.WriteLine($"== {net}  (load average now: {LoadAverage()}); median of rounds, best in parentheses");
        output.Write($"{"metric",-21}");
        foreach (var r in results)
        {
            output.Write($" {r.Label,24}");
        }

        output.WriteLine();
        for (int t = 0; t < 4; t++)
        {
            output.Write($"{metrics[t],-21}");
            foreach (var r in results)
            {
                var (v, best) = Values(r, t);
                output.Write($" {(double.IsNaN(v) ? "-" : Format(v, t) + " (" + Format(best, t) + ")"),24}");
            }

            output.WriteLine();
        }

        for (int t = 0; t < 4; t++)
        {
            output.Write($"{cpuMetrics[t],-21}");
            foreach (var r in results)
            {
                double v = Cpu(r, t);
                output.Write($" {(double.IsNaN(v) ? "-" : Format(v, t)),24}");
            }

            output.WriteLine();
        }

        var (trainTarget, inferTarget) = Target(net);
        foreach (var r in results.Where(r => r.Label.StartsWith("AdmmNn", StringComparison.Ordinal)))
        {
            if (torch is not null)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Label} / PyTorch: train b64 {r.TrainBatch64 / torch.TrainBatch64:F2}x, train b256 {r.TrainBatch256 / torch.TrainBatch256:F2}x (target >= {trainTarget:F1}x); " +
                    $"infer b256 {r.InferBatch256 / torch.InferBatch256:F2}x (target >= {inferTarget:F1}x); latency b1 {torch.LatencyBatch1Ms / r.LatencyBatch1Ms:F2}x; " +
                    $"per CPU-s: train b64 {r.TrainBatch64PerCpuSecond / torch.TrainBatch64PerCpuSecond:F2}x, train b256 {r.TrainBatch256PerCpuSecond / torch.TrainBatch256PerCpuSecond:F2}x, infer b256 {r.InferBatch256PerCpuSecond / torch.InferBatch256PerCpuSecond:F2}x"));
            }

            if (torchSingle is not null)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Label} / PyTorch 1 thread, per CPU-s: train b64 {r.TrainBatch64PerCpuSecond / torchSingle.TrainBatch64PerCpuSecond:F2}x, " +
                    $"train b256 {r.TrainBatch256PerCpuSecond / torchSingle.TrainBatch256PerCpuSecond:F2}x, infer b256 {r.InferBatch256PerCpuSecond / torchSingle.InferBatch256PerCpuSecond:F2}x, " +
                    $"latency b1 {torchSingle.LatencyBatch1CpuMs / r.LatencyBatch1CpuMs:F2}x"));
            }

            if (ort is not null)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Label} / ORT: infer b256 {r.InferBatch256 / ort.InferBatch256:F2}x (target >= 1.0x), per CPU-s {r.InferBatch256PerCpuSecond / ort.InferBatch256PerCpuSecond:F2}x; latency b1 {ort.LatencyBatch1Ms / r.LatencyBatch1Ms:F2}x"));
            }
        }
    }

    private static (double Median, double Best) Values(LeNet5Figures r, int metric) => metric switch
    {
        0 => (r.TrainBatch64, r.TrainBatch64Best),
        1 => (r.TrainBatch256, r.TrainBatch256Best),
        2 => (r.InferBatch256, r.InferBatch256Best),
        _ => (r.LatencyBatch1Ms, r.LatencyBatch1BestMs),
    };

    private static double Cpu(LeNet5Figures r, int metric) => metric switch
    {
        0 => r.TrainBatch64PerCpuSecond,
        1 => r.TrainBatch256PerCpuSecond,
        2 => r.InferBatch256PerCpuSecond,
        _ => r.LatencyBatch1CpuMs,
    };

    private static string Format(double value, int metric) => metric == 3 ? value.ToString("F3", CultureInfo.InvariantCulture) : value.ToString("F0", CultureInfo.InvariantCulture);

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
