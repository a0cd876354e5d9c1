using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Models;

/// <summary>Builds ONNX-semantics graphs layer by layer, with PyTorch-style default initialization from a seed.</summary>
internal sealed class GraphBuilder
{
    private readonly ModelGraph _graph;
    private readonly Random _random;

    public GraphBuilder(string name, int seed, string input, long[] inputDims)
    {
        _random = new Random(seed);
        _graph = new ModelGraph { Name = name, OpsetVersion = 17, ProducerName = "AdmmNn", ProducerVersion = "0.1.0" };
        _graph.Inputs.Add(new ValueInfo(input, ElementType.Float32, inputDims, inputDims.Select((d, i) => i == 0 ? "N" : null).ToArray()));
    }

    /// <summary>Conv with weight [cout, cin/group, k, k] named <c>{name}.weight</c> (and <c>{name}.bias</c>).</summary>
    public string Conv(string name, string x, int cin, int cout, int k, int stride = 1, int pad = 0, bool bias = true, int group = 1)
    {
        int fanIn = cin / group * k * k;
        var inputs = new List<string> { x, Weight($"{name}.weight", [cout, cin / group, k, k], fanIn) };
        if (bias)
        {
            inputs.Add(Weight($"{name}.bias", [cout], fanIn));
        }

        return Node("Conv", name, inputs,
            NodeAttribute.Of("kernel_shape", k, k), NodeAttribute.Of("strides", stride, stride),
            NodeAttribute.Of("pads", pad, pad, pad, pad), NodeAttribute.Of("dilations", 1L, 1L), NodeAttribute.Of("group", (long)group));
    }

    /// <summary>Fully connected layer as Gemm with transB=1: weight [out, in] named <c>{name}.weight</c>.</summary>
    public string Linear(string name, string x, int inFeatures, int outFeatures) =>
        Node("Gemm", name, [x, Weight($"{name}.weight", [outFeatures, inFeatures], inFeatures), Weight($"{name}.bias", [outFeatures], inFeatures)],
            NodeAttribute.Of("alpha", 1f), NodeAttribute.Of("beta", 1f), NodeAttribute.Of("transB", 1L));

    /// <summary>BatchNormalization with scale 1, shift 0, mean 0, var 1.</summary>
    public string BatchNorm(string name, string x, int channels) =>
        Node("BatchNormalization", name,
            [x, Fill($"{name}.weight", channels, 1f), Fill($"{name}.bias", channels, 0f), Fill($"{name}.running_mean", channels, 0f), Fill($"{name}.running_var", channels, 1f)],
            NodeAttribute.Of("epsilon", 1e-5f), NodeAttribute.Of("momentum", 0.9f));

    /// <summary>MaxPool k×k with stride k.</summary>
    public string MaxPool(string name, string x, int k) =>
        Node("MaxPool", name, [x], NodeAttribute.Of("kernel_shape", k, k), NodeAttribute.Of("strides", k, k), NodeAttribute.Of("pads", 0L, 0, 0, 0));

    /// <summary>An op with no attributes or with the given ones.</summary>
    public string Node(string opType, string name, List<string> inputs, params NodeAttribute[] attributes)
    {
        string output = name + "_out";
        _graph.Nodes.Add(new GraphNode { Name = name, OpType = opType, Inputs = inputs, Outputs = [output], Attributes = [.. attributes] });
        return output;
    }

    /// <summary>Finishes the graph: renames the last value to <paramref name="outputName"/>.</summary>
    public ModelGraph Build(string last, string outputName, long[] outputDims)
    {
        var producer = _graph.Nodes.Last(n => n.Outputs.Contains(last));
        producer.Outputs[producer.Outputs.IndexOf(last)] = outputName;
        _graph.Outputs.Add(new ValueInfo(outputName, ElementType.Float32, outputDims, outputDims.Select((d, i) => i == 0 ? "N" : null).ToArray()));
        return _graph;
    }

    private string Weight(string name, long[] dims, int fanIn)
    {
        // PyTorch's default (kaiming_uniform with a = √5, and the bias rule): U(−1/√fan_in, 1/√fan_in).
        float bound = 1f / MathF.Sqrt(fanIn);
        var values = new float[dims.Aggregate(1L, (a, d) => a * d)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((_random.NextDouble() * 2 - 1) * bound);
        }

        _graph.Initializers.Add(TensorData.FromFloats(name, dims, values));
        return name;
    }

    private string Fill(string name, int count, float value)
    {
        _graph.Initializers.Add(TensorData.FromFloats(name, [count], Enumerable.Repeat(value, count).ToArray()));
        return name;
    }
}
