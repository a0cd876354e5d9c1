using System.Diagnostics;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Training;

namespace AdmmNn.Benchmarks.LeNet5;

/// <summary>A bare LeNet-5 training loop for a fixed time, to run under a profiler (perf with DOTNET_PerfMapEnabled=1).</summary>
public static class LeNet5TrainingLoop
{
    public static void Run(TextWriter output, int batch, double seconds, bool inference)
    {
        GraphModule model = GraphModule.FromGraph(ModelZoo.Create("lenet5", seed: 1));
        var trainer = new Trainer(model, new Sgd(model.Parameters, learningRate: 0.01, momentum: 0.9));
        var rng = new Random(0);
        var data = new float[batch * 28 * 28];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)rng.NextDouble();
        }

        var images = new Tensor(data, [batch, 1, 28, 28]);
        int[] labels = Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray();
        model.Training = !inference;
        long steps = 0;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        int gen0Before = GC.CollectionCount(0), gen2Before = GC.CollectionCount(2);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            if (inference)
            {
                model.Forward(images);
            }
            else
            {
                trainer.TrainBatch(images, labels);
            }

            steps++;
        }

        double elapsed = watch.Elapsed.TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        output.WriteLine($"{(inference ? "inference" : "training")} batch {batch}: {steps * batch / elapsed:F0} img/s over {steps} steps; " +
            $"CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / steps:F2} ms/step (wall {elapsed * 1e3 / steps:F2}); " +
            $"allocated {allocated / (double)steps / 1024:F1} KiB/step, GCs gen0 {GC.CollectionCount(0) - gen0Before} gen2 {GC.CollectionCount(2) - gen2Before}");
    }
}
