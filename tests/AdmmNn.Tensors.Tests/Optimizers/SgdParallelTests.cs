using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Parallelism;
using AdmmNn.Tensors.Tests.Training;

namespace AdmmNn.Tensors.Tests.Optimizers;

/// <summary>SGD's step in parallel pieces: the PyTorch rule element by element, bit-identical for any thread count.</summary>
[Collection(WorkersCollection.Name)]
public sealed class SgdParallelTests
{
    /// <summary>Two parameters: one spanning several 65,536-float pieces with an odd tail, one tiny.</summary>
    private static (Parameter[] Parameters, float[][] Start) Build()
    {
        var r = new Random(3);
        float[] big = Enumerable.Range(0, 3 * 65_536 + 37).Select(_ => r.NextSingle() * 2 - 1).ToArray();
        float[] small = [0.5f, -1.5f, 2f];
        var g = new ModelGraph
        {
            Initializers = [TensorData.FromFloats("a", [big.Length], big), TensorData.FromFloats("b", [3], small)],
            Nodes =
            [
                new GraphNode { Name = "ia", OpType = "Identity", Inputs = ["a"], Outputs = ["ya"] },
                new GraphNode { Name = "ib", OpType = "Identity", Inputs = ["b"], Outputs = ["yb"] },
            ],
            Outputs = [new ValueInfo("ya", ElementType.Float32, [big.Length]), new ValueInfo("yb", ElementType.Float32, [3])],
        };
        return (GraphModule.FromGraph(g).Parameters.ToArray(), [big, small]);
    }

    private static float[][] Steps(int threads, bool nesterov)
    {
        int saved = Workers.Threads;
        Workers.Threads = threads;
        try
        {
            var (parameters, _) = Build();
            var sgd = new Sgd(parameters, 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: nesterov);
            for (int step = 0; step < 3; step++)
            {
                foreach (var p in parameters)
                {
                    var grad = p.Grad.AsSpan();
                    for (int i = 0; i < grad.Length; i++)
                    {
                        grad[i] = MathF.Sin(i * 0.37f + step);
                    }
                }

                sgd.Step();
            }

            return parameters.Select(p => p.Value.ToArray()).ToArray();
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Matches_the_rule_and_is_bit_identical_for_any_thread_count(bool nesterov)
    {
        var one = Steps(1, nesterov);
        Assert.Equal(one[0], Steps(2, nesterov)[0]);
        Assert.Equal(one[1], Steps(2, nesterov)[1]);
        Assert.Equal(one[0], Steps(3, nesterov)[0]);

        // The rule in double for a few elements (first piece, a piece boundary, the tail) of the big parameter.
        var (_, start) = Build();
        foreach (int i in (int[])[0, 65_535, 65_536, 3 * 65_536 + 36])
        {
            double w = start[0][i], v = 0;
            for (int step = 0; step < 3; step++)
            {
                double g = MathF.Sin(i * 0.37f + step) + 0.01 * w;
                v = step == 0 ? g : 0.9 * v + g;
                w -= 0.05 * (nesterov ? g + 0.9 * v : v);
            }

            Assert.Equal(w, one[0][i], 5);
        }
    }
}
