using System.Globalization;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Benchmarks.Cnn;

/// <summary>
/// The training-side measurement behind the convolution backward kernels: one convolution per resnet18-32 shape at a
/// training batch, timed forward, backward without the input gradient (dW only: the input is a graph input) and backward
/// with it (dW + dX), 2 threads; dX is the difference of the two. CPU time is the comparison on a shared machine.
/// Usage: <c>conv-training [--quick] [--batch N] [--only NAME]</c>.
/// </summary>
public static class ConvTrainingBenchmark
{
    private sealed record Shape(string Name, int Cin, int H, int Cout, int K, int Stride, int Pad);

    private static readonly Shape[] Shapes =
    [
        new("resnet18-32 stem 7x7/2", 3, 32, 64, 7, 2, 3),
        new("resnet18-32 layer1", 64, 8, 64, 3, 1, 1),
        new("resnet18-32 layer2.0.conv1", 64, 8, 128, 3, 2, 1),
        new("resnet18-32 layer2.0.down", 64, 8, 128, 1, 2, 0),
        new("resnet18-32 layer2", 128, 4, 128, 3, 1, 1),
        new("resnet18-32 layer3.0.conv1", 128, 4, 256, 3, 2, 1),
        new("resnet18-32 layer3", 256, 2, 256, 3, 1, 1),
        new("resnet-small layer1", 16, 28, 16, 3, 1, 1),
        new("resnet-small layer2.conv2", 32, 14, 32, 3, 1, 1),
        new("resnet-small layer3.conv2", 64, 7, 64, 3, 1, 1),
    ];

    public static void Run(TextWriter output, string[] args)
    {
        bool quick = args.Contains("--quick");
        int at = Array.IndexOf(args, "--batch");
        int batch = at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 256;
        int only = Array.IndexOf(args, "--only");
        string? filter = only >= 0 ? args[only + 1] : null;
        Gemm.Threads = Workers.Threads = 2;
        output.WriteLine($"conv-training  {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC  batch {batch}  threads 2  GEMM {Gemm.Backend}");
        output.WriteLine($"load average at start: {LoadAverage()}");
        output.WriteLine($"{"shape (conv, training)",-28} {"Cin",4} {"HxW",6} {"Cout",4} {"k/s",4} {"fwd ms",8} {"fwd CPU",8} {"dW CPU",8} {"dX CPU",8} {"bwd ms",8} {"dW GFLOP/CPU-s",15}");
        foreach (var shape in Shapes)
        {
            if (filter is not null && !shape.Name.Contains(filter, StringComparison.Ordinal))
            {
                continue;
            }

            var b = new GraphBuilder("conv", 1, "input", [-1, shape.Cin, shape.H, shape.H]);
            string x = b.Conv("conv", "input", shape.Cin, shape.Cout, shape.K, shape.Stride, shape.Pad, bias: false);
            int outH = (shape.H + 2 * shape.Pad - shape.K) / shape.Stride + 1;
            var model = GraphModule.FromGraph(b.Build(x, "y", [-1, shape.Cout, outH, outH]));
            model.Training = true;
            var rng = new Random(0);
            int[] dims = [batch, shape.Cin, shape.H, shape.H];
            var images = new Tensor(Enumerable.Range(0, Tensor.SizeOf(dims)).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(), dims);
            var y = model.ForwardShared(images);
            var dy = new Tensor(Enumerable.Range(0, y.Size).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(), (int[])y.Shape.Clone());
            int rounds = quick ? 3 : 5;
            double seconds = quick ? 0.2 : 0.5;
            var forward = Measurement.Time(() => model.ForwardShared(images), rounds, seconds);
            model.InputGradients = false;
            model.ForwardShared(images);
            var weightsOnly = Measurement.Time(() => { model.ZeroGrad(); model.Backward(dy); }, rounds, seconds);
            model.InputGradients = true;
            model.ForwardShared(images);
            var both = Measurement.Time(() => { model.ZeroGrad(); model.Backward(dy); }, rounds, seconds);
            double flops = 2.0 * batch * shape.Cout * outH * outH * shape.Cin * shape.K * shape.K;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{shape.Name,-28} {shape.Cin,4} {shape.H + "x" + shape.H,6} {shape.Cout,4} {shape.K + "/" + shape.Stride,4} {forward.Median * 1e3,8:F2} {forward.CpuPerCall * 1e3,8:F2} {weightsOnly.CpuPerCall * 1e3,8:F2} {(both.CpuPerCall - weightsOnly.CpuPerCall) * 1e3,8:F2} {both.Median * 1e3,8:F2} {flops / weightsOnly.CpuPerCall / 1e9,15:F1}"));
        }

        output.WriteLine($"load average at end: {LoadAverage()}");
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}
