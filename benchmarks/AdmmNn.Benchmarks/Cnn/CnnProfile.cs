using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Losses;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Ops;
using AdmmNn.Tensors.Parallelism;
using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Benchmarks.Cnn;

/// <summary>
/// Where a training step's time goes: runs the module's compiled ops one by one (forward, then backward in reverse, as
/// the tape does) and sums wall time per op type and direction, plus gradient preparation and the optimizer-free rest.
/// Usage: <c>cnn-profile &lt;net&gt; &lt;batch&gt; [seconds] [--infer] [--by-layer] [--threads N]</c>. The GEMM backend is
/// the managed one, as in <c>cnn --backend managed</c>, unless <c>ADMMNN_GEMM</c> names another. With <c>--infer</c> the
/// evaluation schedule is timed step by step (fused chains keyed by their convolution); the first line also gives the
/// whole pass run as <c>GraphModule.Forward</c> does, without the per-step clocks, so the two can be compared.
/// </summary>
public static partial class CnnProfile
{
    private const int ProcessCpuClock = 2; // CLOCK_PROCESS_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Process CPU seconds (all threads), nanosecond resolution: per-op costs that a busy machine does not inflate.</summary>
    private static double CpuNow() => ClockGetTime(ProcessCpuClock, out var t) == 0 ? t.Seconds + t.Nanoseconds * 1e-9 : double.NaN;

    public static void Run(TextWriter output, string net, int batch, double seconds, bool inference, bool byLayer = false, int threads = 2)
    {
        _byLayer = byLayer;
        Gemm.Threads = Workers.Threads = threads;
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Gemm.BackendVariable)))
        {
            Gemm.Backend = GemmBackend.Managed;
        }

        var model = GraphModule.FromGraph(CnnNets.Create(net, seed: 1));
        var ops = (NodeOp[])typeof(GraphModule).GetField("_ops", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model)!;
        var state = (ExecutionState)typeof(GraphModule).GetField("_state", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model)!;
        int[] shape = [batch, .. CnnNets.InputShape(net)];
        var rng = new Random(0);
        var images = new Tensor(Enumerable.Range(0, Tensor.SizeOf(shape)).Select(_ => (float)rng.NextDouble()).ToArray(), shape);
        int[] labels = Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray();
        model.Training = !inference;
        var logits = model.ForwardShared(images);
        var gradient = new Tensor((int[])logits.Shape.Clone());
        if (!inference)
        {
            model.Backward(gradient);
        }

        string whole = "";
        if (inference)
        {
            // The pass as the benchmark runs it (GraphModule's own loop, no clocks between steps).
            var passCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var passWatch = Stopwatch.StartNew();
            int passes = 0;
            while (passWatch.Elapsed.TotalSeconds < seconds / 3 || passes < 2)
            {
                model.ForwardShared(images);
                passes++;
            }

            double passMs = passWatch.Elapsed.TotalMilliseconds / passes, passCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - passCpu).TotalMilliseconds / passes;
            whole = $"; whole pass (GraphModule.Forward, {passes} passes) {passMs:F1} ms ({batch / passMs * 1e3:F0} img/s), CPU {passCpuMs:F1} ms ({batch / passCpuMs * 1e3:F0} img/CPU-s, {passCpuMs / passMs:F2} cores)";
        }

        var forward = new Dictionary<string, double>();
        var backward = new Dictionary<string, double>();
        var forwardCpu = new Dictionary<string, double>();
        var backwardCpu = new Dictionary<string, double>();
        double prepare = 0, total = 0;
        int steps = 0;
        long allocated = GC.GetTotalAllocatedBytes(true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds || steps < 2)
        {
            long stepStart = Stopwatch.GetTimestamp();
            if (!inference)
            {
                // Only training needs it: in inference clearing every gradient buffer (44 MB for resnet18-32) was a
                // per-step cost the engine's own evaluation pass does not pay.
                model.ZeroGrad();
            }

            if (inference && model.EvalSteps is { } schedule)
            {
                // The evaluation schedule GraphModule runs: fused Conv(+BN)(+Add)(+Relu) chains and the remaining ops.
                state.ValuesOnly = true;
                foreach (var step in schedule)
                {
                    long t = Stopwatch.GetTimestamp();
                    double c0 = CpuNow();
                    if (step.Chain is { } chain)
                    {
                        chain.Forward(state);
                    }
                    else
                    {
                        step.Op.Forward(state);
                    }

                    string key = Key(step.Op) + (step.Chain is null ? "" : " fused");
                    Add(forwardCpu, key, CpuNow() - c0);
                    Add(forward, key, Stopwatch.GetElapsedTime(t).TotalSeconds);
                }

                total += Stopwatch.GetElapsedTime(stepStart).TotalSeconds;
                steps++;
                continue;
            }

            foreach (var op in ops)
            {
                long t = Stopwatch.GetTimestamp();
                double c0 = CpuNow();
                op.Forward(state);
                Add(forwardCpu, Key(op), CpuNow() - c0);
                Add(forward, Key(op), Stopwatch.GetElapsedTime(t).TotalSeconds);
            }

            if (!inference)
            {
                CrossEntropyLoss.Compute(logits.AsSpan(), logits.Shape[1], labels, gradient.AsSpan());
                long t = Stopwatch.GetTimestamp();
                state.PrepareGradients();
                gradient.AsSpan().CopyTo(state.Grads[Array.IndexOf(state.Values, logits)]!.AsSpan());
                prepare += Stopwatch.GetElapsedTime(t).TotalSeconds;
                for (int i = ops.Length - 1; i >= 0; i--)
                {
                    if (ops[i].ProducesGradient(state))
                    {
                        t = Stopwatch.GetTimestamp();
                        double c0 = CpuNow();
                        ops[i].Backward(state);
                        Add(backwardCpu, Key(ops[i]), CpuNow() - c0);
                        Add(backward, Key(ops[i]), Stopwatch.GetElapsedTime(t).TotalSeconds);
                    }
                }
            }

            total += Stopwatch.GetElapsedTime(stepStart).TotalSeconds;
            steps++;
        }

        allocated = GC.GetTotalAllocatedBytes(true) - allocated;
        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / steps;
        output.WriteLine($"{net} {(inference ? "inference" : "training")} batch {batch}: {steps} steps, {total / steps * 1e3:F1} ms/step ({batch * steps / total:F0} img/s), CPU {cpuMs:F1} ms/step ({batch / cpuMs * 1e3:F0} img/CPU-s), threads {threads}, GEMM {Gemm.Backend}, allocated {allocated / (double)steps / 1024:F1} KiB/step; load {File.ReadAllText("/proc/loadavg").Trim()}{whole}");
        output.WriteLine($"{"op",-34} {"fwd ms",8} {"bwd ms",8} {"share",6} {"fwd CPU",8} {"bwd CPU",8} {"share",6}");
        double cpuTotal = forwardCpu.Values.Sum() + backwardCpu.Values.Sum();
        foreach (var key in forward.Keys.Union(backward.Keys).OrderByDescending(k => forwardCpu.GetValueOrDefault(k) + backwardCpu.GetValueOrDefault(k)))
        {
            double f = forward.GetValueOrDefault(key) / steps * 1e3, b = backward.GetValueOrDefault(key) / steps * 1e3;
            double fc = forwardCpu.GetValueOrDefault(key) / steps * 1e3, bc = backwardCpu.GetValueOrDefault(key) / steps * 1e3;
            output.WriteLine($"{key,-34} {f,8:F2} {b,8:F2} {(f + b) / (total / steps * 1e3),6:P0} {fc,8:F2} {bc,8:F2} {(fc + bc) / (cpuTotal / steps * 1e3),6:P0}");
        }

        output.WriteLine($"{"PrepareGradients",-34} {"",8} {prepare / steps * 1e3,8:F2}");
    }

    private static bool _byLayer;

    /// <summary>Op type plus, for convolutions, the kernel/stride/group shape class (and with --by-layer the node's name).</summary>
    private static string Key(NodeOp op)
    {
        if (op.Node.OpType != "Conv")
        {
            return op.Node.OpType;
        }

        long[] k = op.Node.Attributes.First(a => a.Name == "kernel_shape").Ints!;
        long s = op.Node.Attributes.First(a => a.Name == "strides").Ints![0];
        long g = op.Node.Attributes.FirstOrDefault(a => a.Name == "group")?.Int ?? 1;
        return $"Conv {k[0]}x{k[1]} s{s}{(g > 1 ? " g" + g : "")}{(_byLayer ? " " + op.Node.Name : "")}";
    }

    private static void Add(Dictionary<string, double> d, string key, double v) => d[key] = d.GetValueOrDefault(key) + v;
}
