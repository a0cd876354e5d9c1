using System.Globalization;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Ops;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Benchmarks.Cnn;

/// <summary>
/// The measurement behind <see cref="ConvAlgorithmRule"/>: one convolution (+ BatchNorm + ReLU, fused in evaluation
/// mode) per shape of the benchmark nets and LeNet-5, timed with im2col + GEMM, with the direct kernel and (3×3 stride 1
/// up to 28 wide) with Winograd F(4×4, 3×3), 2 threads.
/// The "r18-32 real" shapes are those of <c>CnnNets</c>' resnet18-32 (7×7/2 stem and max-pool first, so 8² to 1² planes);
/// the "auto" columns time the engine's own choice (including the small-plane path). Usage:
/// <c>conv-kernels [--quick] [--batch N] [--only TEXT] [--threads N] [--best]</c> (only shapes whose name contains TEXT;
/// <c>--best</c> prints the best round's wall time instead of the median: with <c>--threads 1</c> on a shared machine the
/// least disturbed round, the steadiest A/B figure).
/// </summary>
public static class ConvKernelBenchmark
{
    private sealed record Shape(string Name, int Cin, int H, int Cout, int K, int Stride, int Pad);

    private static readonly Shape[] Shapes =
    [
        new("resnet-small stem", 1, 28, 16, 3, 1, 1),
        new("resnet-small layer1", 16, 28, 16, 3, 1, 1),
        new("resnet-small layer2.conv1", 16, 28, 32, 3, 2, 1),
        new("resnet-small layer2.conv2", 32, 14, 32, 3, 1, 1),
        new("resnet-small layer2.down", 16, 28, 32, 1, 2, 0),
        new("resnet-small layer3.conv1", 32, 14, 64, 3, 2, 1),
        new("resnet-small layer3.conv2", 64, 7, 64, 3, 1, 1),
        new("resnet-small layer3.down", 32, 14, 64, 1, 2, 0),
        new("lenet5 conv1", 1, 28, 20, 5, 1, 0),
        new("lenet5 conv2", 20, 12, 50, 5, 1, 0),
        new("resnet18-32 stem", 3, 32, 64, 3, 1, 1),
        new("resnet18-32 layer1", 64, 32, 64, 3, 1, 1),
        new("resnet18-32 layer2.conv1", 64, 32, 128, 3, 2, 1),
        new("resnet18-32 layer2", 128, 16, 128, 3, 1, 1),
        new("resnet18-32 layer3", 256, 8, 256, 3, 1, 1),
        new("resnet18-32 layer4", 512, 4, 512, 3, 1, 1),
        new("r18-32 real stem 7x7/2", 3, 32, 64, 7, 2, 3),
        new("r18-32 real layer1", 64, 8, 64, 3, 1, 1),
        new("r18-32 real layer2.0.conv1", 64, 8, 128, 3, 2, 1),
        new("r18-32 real layer2.0.down", 64, 8, 128, 1, 2, 0),
        new("r18-32 real layer2", 128, 4, 128, 3, 1, 1),
        new("r18-32 real layer3.0.conv1", 128, 4, 256, 3, 2, 1),
        new("r18-32 real layer3.0.down", 128, 4, 256, 1, 2, 0),
        new("r18-32 real layer3", 256, 2, 256, 3, 1, 1),
        new("r18-32 real layer4.0.conv1", 256, 2, 512, 3, 2, 1),
        new("r18-32 real layer4.0.down", 256, 2, 512, 1, 2, 0),
        new("mobilenet-28 expand 1x1", 16, 28, 96, 1, 1, 0),
        new("mobilenet-28 project 1x1", 96, 14, 24, 1, 1, 0),
    ];

    public static void Run(TextWriter output, string[] args)
    {
        bool quick = args.Contains("--quick");
        int at = Array.IndexOf(args, "--batch");
        int batch = at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 64;
        int onlyAt = Array.IndexOf(args, "--only");
        string? only = onlyAt >= 0 && onlyAt + 1 < args.Length ? args[onlyAt + 1] : null;
        int threadsAt = Array.IndexOf(args, "--threads");
        int threads = threadsAt >= 0 ? int.Parse(args[threadsAt + 1], CultureInfo.InvariantCulture) : 2;
        bool best = args.Contains("--best");
        Gemm.Threads = Workers.Threads = threads;
        output.WriteLine($"conv-kernels  {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC  batch {batch}  threads {threads}{(best ? "  wall: best round" : "")}  GEMM {Gemm.Backend}  direct kernel {(DirectConv.IsSupported ? "Vector512" : "unsupported")}");
        output.WriteLine($"load average at start: {LoadAverage()}");
        output.WriteLine($"{"shape (conv+BN+ReLU, eval)",-28} {"Cin",4} {"HxW",6} {"Cout",4} {"k/s",4} {"im2col ms",10} {"direct ms",10} {"im2col CPU ms",14} {"direct CPU ms",14} {"direct GFLOP/CPU-s",19} {"CPU ratio",9} {"winograd ms",11} {"wino CPU ms",11} {"wino/direct CPU",15} {"auto",8} {"auto CPU ms",11}");
        foreach (var shape in Shapes)
        {
            if ((shape.Cin * shape.Cout * shape.H * shape.H > 4_000_000 && quick) || (only is not null && !shape.Name.Contains(only, StringComparison.Ordinal)))
            {
                continue;
            }

            var b = new GraphBuilder("conv", 1, "input", [-1, shape.Cin, shape.H, shape.H]);
            string x = b.Conv("conv", "input", shape.Cin, shape.Cout, shape.K, shape.Stride, shape.Pad, bias: false);
            x = b.BatchNorm("bn", x, shape.Cout);
            x = b.Node("Relu", "relu", [x]);
            int outH = (shape.H + 2 * shape.Pad - shape.K) / shape.Stride + 1;
            var model = GraphModule.FromGraph(b.Build(x, "y", [-1, shape.Cout, outH, outH]));
            model.Training = false;
            var rng = new Random(0);
            int[] dims = [batch, shape.Cin, shape.H, shape.H];
            var images = new Tensor(Enumerable.Range(0, Tensor.SizeOf(dims)).Select(_ => (float)rng.NextDouble()).ToArray(), dims);
            Measurement.Timing Time(ConvAlgorithm algorithm)
            {
                ConvOp.Algorithm = algorithm;
                var timing = Measurement.Time(() => model.ForwardShared(images), quick ? 3 : 5, quick ? 0.15 : 0.4);
                return best ? timing with { Median = timing.Best } : timing;
            }

            var gemm = Time(ConvAlgorithm.Im2Col);
            var direct = Time(ConvAlgorithm.Direct);
            var plan = new ConvShape(shape.H, shape.H, outH, outH, shape.K, shape.K, shape.Stride, shape.Stride, shape.Pad, shape.Pad, 1, 1);
            Measurement.Timing? winograd = WinogradConv.IsSupported && WinogradConv.Supports(plan) ? Time(ConvAlgorithm.Winograd) : null;
            var chosen = Time(ConvAlgorithm.Auto);
            string auto = ConvAlgorithmRule.PrefersSingleChannel(shape.Cin, plan) && SingleChannelConv.IsSupported ? "1-chan"
                : ConvAlgorithmRule.PrefersWinograd(shape.Cin, shape.Cout, plan, batch) ? "winograd"
                : ConvAlgorithmRule.PrefersDirect(shape.Cin, shape.Cout, plan) ? "direct" : "im2col";
            string wino = winograd is { } t
                ? string.Create(CultureInfo.InvariantCulture, $"{t.Median * 1e3,11:F3} {t.CpuPerCall * 1e3,11:F3} {t.CpuPerCall / direct.CpuPerCall,14:F2}x")
                : $"{"-",11} {"-",11} {"-",15}";
            double flops = 2.0 * batch * shape.Cout * outH * outH * shape.Cin * shape.K * shape.K;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{shape.Name,-28} {shape.Cin,4} {shape.H + "x" + shape.H,6} {shape.Cout,4} {shape.K + "/" + shape.Stride,4} {gemm.Median * 1e3,10:F3} {direct.Median * 1e3,10:F3} {gemm.CpuPerCall * 1e3,14:F3} {direct.CpuPerCall * 1e3,14:F3} {flops / direct.CpuPerCall / 1e9,19:F1} {gemm.CpuPerCall / direct.CpuPerCall,8:F2}x {wino} {auto,8} {chosen.CpuPerCall * 1e3,11:F3}"));
        }

        output.WriteLine($"load average at end: {LoadAverage()}");
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}
