using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Ops;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Tests.Support;

/// <summary>
/// y = Relu(conv3×3(x, w, b; pad 1) + r) on n × cin × h × w in evaluation mode (fused into one chain), weights, bias,
/// input and residual uniform in [−1, 1]: the graph the convolution kernels' op tests run through the engine.
/// </summary>
internal sealed record ConvAddReluNet(GraphModule Module, Dictionary<string, Tensor> Inputs, float[] X, float[] W)
{
    public static ConvAddReluNet Build(int n, int cin, int cout, int h, int w, int seed)
    {
        var r = new Random(seed);
        var g = new ModelGraph { OpsetVersion = 17 };
        float[] weights = ConvCase.RandomFloats(r, cout * cin * 9), b = ConvCase.RandomFloats(r, cout);
        g.Initializers.Add(TensorData.FromFloats("w", [cout, cin, 3, 3], weights));
        g.Initializers.Add(TensorData.FromFloats("b", [cout], b));
        g.Inputs.Add(new ValueInfo("x", ElementType.Float32, [n, cin, h, w]));
        g.Inputs.Add(new ValueInfo("r", ElementType.Float32, [n, cout, h, w]));
        var conv = new GraphNode { Name = "conv", OpType = "Conv", Inputs = ["x", "w", "b"], Outputs = ["c"] };
        conv.Attributes.Add(NodeAttribute.Of("kernel_shape", 3, 3));
        conv.Attributes.Add(NodeAttribute.Of("pads", 1, 1, 1, 1));
        g.Nodes.Add(conv);
        g.Nodes.Add(new GraphNode { Name = "add", OpType = "Add", Inputs = ["c", "r"], Outputs = ["s"] });
        g.Nodes.Add(new GraphNode { Name = "act", OpType = "Relu", Inputs = ["s"], Outputs = ["y"] });
        g.Outputs.Add(new ValueInfo("y", ElementType.Float32, [n, cout, h, w]));
        float[] x = ConvCase.RandomFloats(r, n * cin * h * w);
        var inputs = new Dictionary<string, Tensor>
        {
            ["x"] = new Tensor(x, [n, cin, h, w]),
            ["r"] = new Tensor(ConvCase.RandomFloats(r, n * cout * h * w), [n, cout, h, w]),
        };
        var module = GraphModule.FromGraph(g);
        module.Training = false;
        Assert.NotNull(module.EvalSteps);
        return new ConvAddReluNet(module, inputs, x, weights);
    }

    /// <summary>The output with <paramref name="algorithm"/> forced and <paramref name="threads"/> workers (both restored after).</summary>
    public float[] Forward(ConvAlgorithm algorithm, int threads)
    {
        ConvAlgorithm savedAlgorithm = ConvOp.Algorithm;
        int savedThreads = Workers.Threads;
        ConvOp.Algorithm = algorithm;
        Workers.Threads = threads;
        try
        {
            return Module.Run(Inputs)["y"].ToArray();
        }
        finally
        {
            ConvOp.Algorithm = savedAlgorithm;
            Workers.Threads = savedThreads;
        }
    }
}
