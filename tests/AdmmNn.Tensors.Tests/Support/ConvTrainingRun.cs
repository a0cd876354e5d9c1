using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Tests.Support;

/// <summary>One training step of a one-node Conv graph (operands x, w, b): y and the three gradients for a fixed random dY.</summary>
public static class ConvTrainingRun
{
    /// <summary>Runs <paramref name="op"/> forward and backward in training mode on <paramref name="threads"/> workers.</summary>
    public static (float[] Y, float[] Dx, float[] Dw, float[] Db) Run(OpGraph op, int threads)
    {
        int savedThreads = Workers.Threads;
        Workers.Threads = threads;
        try
        {
            var module = GraphModule.FromGraph(op.Graph);
            module.Training = true;
            var y = module.Run(new Dictionary<string, Tensor>())["y"];
            var random = new Random(5);
            var dy = new Tensor(Enumerable.Range(0, y.Size).Select(_ => random.NextSingle() * 2 - 1).ToArray(), (int[])y.Shape.Clone());
            module.Backward(new Dictionary<string, Tensor> { ["y"] = dy });
            return (y.ToArray(), module.Parameter("x")!.Grad.ToArray(), module.Parameter("w")!.Grad.ToArray(), module.Parameter("b")!.Grad.ToArray());
        }
        finally
        {
            Workers.Threads = savedThreads;
        }
    }

    /// <summary>Asserts every element within 1e-4 of the largest magnitude (at least 1).</summary>
    public static void Close(float[] expected, float[] actual, string what) =>
        KernelAssert.CloseToReference(Array.ConvertAll(expected, v => (double)v), actual, 1e-4, what);
}
