using AdmmNn.Tensors;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Parallelism;
using AdmmNn.Tensors.Training;

namespace AdmmNn.Benchmarks.LeNet5;

/// <summary>
/// LeNet-5 training and inference speed of the AdmmNn engine (each GEMM backend) and, in the same run, of PyTorch
/// (benchmarks/pytorch_lenet5.py) on the same network, batch sizes, optimizer and synthetic inputs; prints our/PyTorch ratios.
/// </summary>
public static class LeNet5Benchmark
{
    private const int Threads = 2;

    private static readonly (string Metric, double Target, bool HigherIsBetter)[] Targets =
    [
        ("train b64 img/s", 3500, true), ("train b256 img/s", 0, true), ("infer b256 img/s", 8000, true), ("latency b1 ms", 0.3, false),
    ];

    public static void Run(TextWriter output, bool quick, bool runPyTorch, IReadOnlyList<GemmBackend> backends)
    {
        output.WriteLine($"LeNet-5 benchmark  {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC  cores={Environment.ProcessorCount}  threads={Threads}");
        output.WriteLine($"load average: {LoadAverage()}");
        output.WriteLine($"managed GEMM kernel: {Gemm.ManagedKernel}; OpenBLAS: {(Gemm.IsOpenBlasAvailable ? Gemm.OpenBlasDescription : "not available")}");
        double roundSeconds = quick ? 0.25 : 1.0;
        int rounds = quick ? 3 : 5;

        var results = new List<LeNet5Figures>();
        GemmBackend original = Gemm.Backend;
        int originalGemmThreads = Gemm.Threads, originalWorkers = Workers.Threads;
        try
        {
            Gemm.Threads = Threads;
            Workers.Threads = Threads;
            // Untimed warm-up with every backend first (JIT, thread pool growth, page faults), so the backend measured
            // first is not the one paying for process start-up.
            foreach (GemmBackend backend in backends)
            {
                Gemm.Backend = backend;
                WarmUp(quick ? 0.5 : 2.0);
            }

            foreach (GemmBackend backend in backends)
            {
                Gemm.Backend = backend;
                results.Add(MeasureEngine($"AdmmNn ({backend})", roundSeconds, rounds));
                output.WriteLine($"measured AdmmNn with GEMM backend {backend}");
            }
        }
        finally
        {
            Gemm.Backend = original;
            Gemm.Threads = originalGemmThreads;
            Workers.Threads = originalWorkers;
        }

        PyTorchRun? torch = null;
        if (runPyTorch)
        {
            torch = PyTorchRunner.Run(Threads, roundSeconds, rounds, output);
            if (torch is not null)
            {
                results.Add(torch.Figures);
                output.WriteLine($"PyTorch {torch.Version}: threads={torch.Threads}, oneDNN={torch.MklDnn}, BLAS mapped: {string.Join(", ", torch.Blas)}" +
                    $", OPENBLAS_CORETYPE={torch.OpenBlasCoreType ?? "(unset: OpenBLAS picks its own core)"}");
            }
        }

        // PyTorch's OpenMP threads spin at barriers; when other processes compete for the two cores that spinning
        // collapses its 2-thread throughput, so a 1-thread run is printed too as a load-robust reference.
        PyTorchRun? torchSingle = runPyTorch && torch is not null ? PyTorchRunner.Run(1, roundSeconds, rounds, output) : null;
        if (torchSingle is not null)
        {
            results.Add(torchSingle.Figures);
        }

        Print(output, results, torch?.Figures);
        if (torchSingle is not null)
        {
            PrintCpuRatios(output, results, torchSingle.Figures);
        }
    }

    private static void WarmUp(double seconds)
    {
        GraphModule model = GraphModule.FromGraph(ModelZoo.Create("lenet5", seed: 1));
        var trainer = new Trainer(model, new Sgd(model.Parameters, learningRate: 0.01, momentum: 0.9));
        var rng = new Random(2);
        Tensor images = RandomImages(rng, 64);
        int[] labels = Enumerable.Range(0, 64).Select(_ => rng.Next(10)).ToArray();
        Tensor one = RandomImages(rng, 1);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            model.Training = true;
            trainer.TrainBatch(images, labels);
            model.Training = false;
            model.Forward(images);
            model.Forward(one);
        }
    }

    private static LeNet5Figures MeasureEngine(string label, double roundSeconds, int rounds)
    {
        GraphModule model = GraphModule.FromGraph(ModelZoo.Create("lenet5", seed: 1));
        var optimizer = new Sgd(model.Parameters, learningRate: 0.01, momentum: 0.9);
        var trainer = new Trainer(model, optimizer);
        var rng = new Random(0);

        Measurement.Timing Train(int batch)
        {
            Tensor images = RandomImages(rng, batch);
            int[] labels = Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray();
            return Measurement.Time(() => trainer.TrainBatch(images, labels), rounds, roundSeconds);
        }

        Measurement.Timing train64 = Train(64);
        Measurement.Timing train256 = Train(256);

        model.Training = false;
        Tensor batch256 = RandomImages(rng, 256);
        Measurement.Timing infer = Measurement.Time(() => model.Forward(batch256), rounds, roundSeconds);
        Tensor one = RandomImages(rng, 1);
        Measurement.Timing latency = Measurement.Time(() => model.Forward(one), rounds, roundSeconds);
        return new LeNet5Figures(label, 64 / train64.Median, 64 / train64.Best, 256 / train256.Median, 256 / train256.Best,
            256 / infer.Median, 256 / infer.Best, latency.Median * 1e3, latency.Best * 1e3,
            64 / train64.CpuPerCall, 256 / train256.CpuPerCall, 256 / infer.CpuPerCall, latency.CpuPerCall * 1e3);
    }

    private static Tensor RandomImages(Random rng, int batch)
    {
        var data = new float[batch * 28 * 28];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)rng.NextDouble();
        }

        return new Tensor(data, [batch, 1, 28, 28]);
    }

    private static void Print(TextWriter output, List<LeNet5Figures> results, LeNet5Figures? torch)
    {
        output.WriteLine();
        output.WriteLine("median of rounds (best round in parentheses); ratio = ours / PyTorch for throughput, PyTorch / ours for latency (> 1 = we are faster)");
        output.Write($"{"metric",-18}");
        foreach (var r in results)
        {
            output.Write($" {r.Label,24}");
        }

        output.WriteLine($" {"target",10}");
        for (int t = 0; t < Targets.Length; t++)
        {
            var (metric, target, higher) = Targets[t];
            output.Write($"{metric,-18}");
            foreach (var r in results)
            {
                var (value, best) = Values(r, t);
                output.Write($" {Format(value, t) + " (" + Format(best, t) + ")",24}");
            }

            output.WriteLine($" {(target == 0 ? "-" : (higher ? ">= " : "<= ") + Format(target, t)),10}");
        }

        output.WriteLine();
        output.WriteLine("CPU cost (load-independent): images per process CPU-second, and CPU ms per batch-1 call; includes spin-waiting");
        output.Write($"{"metric",-18}");
        foreach (var r in results)
        {
            output.Write($" {r.Label,24}");
        }

        output.WriteLine();
        string[] cpuMetrics = ["train b64 img/CPU-s", "train b256 img/CPU-s", "infer b256 img/CPU-s", "latency b1 CPU ms"];
        for (int t = 0; t < cpuMetrics.Length; t++)
        {
            output.Write($"{cpuMetrics[t],-18}");
            foreach (var r in results)
            {
                double value = t switch
                {
                    0 => r.TrainBatch64PerCpuSecond,
                    1 => r.TrainBatch256PerCpuSecond,
                    2 => r.InferBatch256PerCpuSecond,
                    _ => r.LatencyBatch1CpuMs,
                };
                output.Write($" {Format(value, t),24}");
            }

            output.WriteLine();
        }

        if (torch is null)
        {
            return;
        }

        output.WriteLine();
        foreach (var r in results.Where(r => r.Label.StartsWith("AdmmNn", StringComparison.Ordinal)))
        {
            output.Write($"{r.Label} vs PyTorch:");
            for (int t = 0; t < Targets.Length; t++)
            {
                double ours = Values(r, t).Median, theirs = Values(torch, t).Median;
                double ratio = Targets[t].HigherIsBetter ? ours / theirs : theirs / ours;
                output.Write($"  {Targets[t].Metric.Split(' ')[0]} {Targets[t].Metric.Split(' ')[1]} {ratio:F2}x");
            }

            output.WriteLine(t64Target(r, torch));
        }

        static string t64Target(LeNet5Figures ours, LeNet5Figures torch) =>
            ours.TrainBatch64 / torch.TrainBatch64 >= 1.1 ? "   (train b64 >= 1.1x PyTorch: met)" : "   (train b64 >= 1.1x PyTorch: NOT met)";
    }

    /// <summary>Our CPU cost against single-threaded PyTorch's: images per CPU-second (and CPU ms per batch-1 call).</summary>
    private static void PrintCpuRatios(TextWriter output, List<LeNet5Figures> results, LeNet5Figures torchSingle)
    {
        output.WriteLine();
        foreach (var r in results.Where(r => r.Label.StartsWith("AdmmNn", StringComparison.Ordinal)))
        {
            output.WriteLine($"{r.Label} vs {torchSingle.Label}, per CPU-second:" +
                $"  train b64 {r.TrainBatch64PerCpuSecond / torchSingle.TrainBatch64PerCpuSecond:F2}x" +
                $"  train b256 {r.TrainBatch256PerCpuSecond / torchSingle.TrainBatch256PerCpuSecond:F2}x" +
                $"  infer b256 {r.InferBatch256PerCpuSecond / torchSingle.InferBatch256PerCpuSecond:F2}x" +
                $"  latency b1 {torchSingle.LatencyBatch1CpuMs / r.LatencyBatch1CpuMs:F2}x");
        }
    }

    private static (double Median, double Best) Values(LeNet5Figures r, int metric) => metric switch
    {
        0 => (r.TrainBatch64, r.TrainBatch64Best),
        1 => (r.TrainBatch256, r.TrainBatch256Best),
        2 => (r.InferBatch256, r.InferBatch256Best),
        _ => (r.LatencyBatch1Ms, r.LatencyBatch1BestMs),
    };

    private static string Format(double value, int metric) => metric == 3 ? value.ToString("F3") : value.ToString("F0");

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
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
