using AdmmNn.Benchmarks.GemmSpeed;
using AdmmNn.Benchmarks.LeNet5;
using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Benchmarks;

/// <summary>Entry point: picks a benchmark by name. Figures print to stdout; these are measurements, never assertions.</summary>
public static class BenchmarkApp
{
    private const string Usage = "usage: AdmmNn.Benchmarks gemm [--quick] | lenet5 [--quick] [--no-pytorch] [--backend managed|openblas|both] | runtime [--quick] [--dense a.onnx --compressed b.onnx] | break-even [--quick] [--model lenet.onnx] | cnn [--quick] [--no-pytorch] [--no-ort] [--nets a,b] [--backend managed|openblas|both] | conv-kernels [--quick] [--batch N] [--only TEXT] | conv-training [--quick] [--batch N] [--only NAME] | cnn-profile <net> <batch> [seconds] [--infer] [--by-layer] [--threads N] | loader [--quick] [--folder DIR [--folder-only]]";

    /// <summary>GEMM backends to measure: --backend managed|openblas|both (default both, when OpenBLAS is installed).</summary>
    private static IReadOnlyList<GemmBackend> Backends(string[] args)
    {
        int at = Array.IndexOf(args, "--backend");
        string choice = at >= 0 && at + 1 < args.Length ? args[at + 1] : "both";
        return choice switch
        {
            "managed" => [GemmBackend.Managed],
            "openblas" => [GemmBackend.OpenBlas],
            _ => Gemm.IsOpenBlasAvailable ? [GemmBackend.Managed, GemmBackend.OpenBlas] : [GemmBackend.Managed],
        };
    }

    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        bool quick = args.Contains("--quick");
        // ADMMNN_CONV=im2col|direct|winograd|autowithoutwinograd|auto forces the convolution kernel (A/B runs of the per-shape rule on a busy machine).
        if (Environment.GetEnvironmentVariable("ADMMNN_CONV") is { Length: > 0 } conv)
        {
            AdmmNn.Tensors.Ops.ConvOp.Algorithm = Enum.Parse<AdmmNn.Tensors.Ops.ConvAlgorithm>(conv, ignoreCase: true);
            Console.WriteLine($"ADMMNN_CONV={conv}: convolution kernel forced to {AdmmNn.Tensors.Ops.ConvOp.Algorithm}");
        }

        // ADMMNN_SMALL_PLANE=ratio sets which planes run as one dense product (H·W ≤ ratio·kh·kw; 0 turns it off).
        if (Environment.GetEnvironmentVariable("ADMMNN_SMALL_PLANE") is { Length: > 0 } smallPlane)
        {
            AdmmNn.Tensors.Ops.ConvOp.SmallPlaneRatio = double.Parse(smallPlane, System.Globalization.CultureInfo.InvariantCulture);
            Console.WriteLine($"ADMMNN_SMALL_PLANE={smallPlane}: small-plane ratio {AdmmNn.Tensors.Ops.ConvOp.SmallPlaneRatio}");
        }

        // ADMMNN_PAIR_PROJECTIONS=0 runs ResNet projection shortcuts in their own pass instead of their block's first convolution's.
        if (Environment.GetEnvironmentVariable("ADMMNN_PAIR_PROJECTIONS") == "0")
        {
            AdmmNn.Tensors.Ops.ProjectionPairing.Enabled = false;
            Console.WriteLine("ADMMNN_PAIR_PROJECTIONS=0: projection shortcuts run in their own pass");
        }

        switch (args[0])
        {
            case "break-even":
                BreakEven.BreakEvenBenchmark.Run(Console.Out, args);
                return 0;
            case "gemm":
                GemmBenchmark.Run(Console.Out, quick);
                return 0;
            case "lenet5":
                LeNet5Benchmark.Run(Console.Out, quick, runPyTorch: !args.Contains("--no-pytorch"), Backends(args));
                return 0;
            case "loader":
                Loader.LoaderBenchmark.Run(Console.Out, quick, args);
                return 0;
            case "runtime":
                Runtime.RuntimeBenchmark.Run(Console.Out, quick, args);
                return 0;
            case "cnn":
                Cnn.CnnBenchmark.Run(Console.Out, args, Backends(args));
                return 0;
            case "conv-kernels":
                Cnn.ConvKernelBenchmark.Run(Console.Out, args);
                return 0;
            case "conv-training":
                Cnn.ConvTrainingBenchmark.Run(Console.Out, args);
                return 0;
            case "cnn-profile":
                // cnn-profile <net> <batch> [seconds] [--infer] [--by-layer]: time per op type (or per convolution layer), forward and backward.
                Cnn.CnnProfile.Run(Console.Out, args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture),
                    args.Length > 3 && args[3] != "--infer" ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3, args.Contains("--infer"), args.Contains("--by-layer"),
                    Array.IndexOf(args, "--threads") is var t && t > 0 && t + 1 < args.Length ? int.Parse(args[t + 1], System.Globalization.CultureInfo.InvariantCulture) : 2);
                return 0;
            case "loop":
                // loop <train|infer> <batch> <seconds>: a bare loop for profilers.
                LeNet5TrainingLoop.Run(Console.Out, int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture),
                    double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), inference: args[1] == "infer");
                return 0;
            default:
                Console.Error.WriteLine($"unknown benchmark '{args[0]}'. {Usage}");
                return 2;
        }
    }
}
