using AdmmNn.Abstractions.Models;

namespace AdmmNn.Core.Tests.Compression;

/// <summary>Builds small ONNX-semantics graphs with random weights for the purification tests (the zoo's builder is internal to Tensors).</summary>
internal sealed class SmallGraphBuilder(string name, int seed, long[] inputDims)
{
    private readonly ModelGraph _graph = new() { Name = name, Inputs = [new ValueInfo("input", ElementType.Float32, inputDims)] };
    private readonly Random _random = new(seed);

    public string Conv(string name, string x, int cin, int cout, int k, int pad = 0, bool bias = true)
    {
        var inputs = new List<string> { x, Random($"{name}.weight", [cout, cin, k, k], cin * k * k) };
        if (bias) inputs.Add(Random($"{name}.bias", [cout], cin * k * k));
        return Node("Conv", name, inputs, NodeAttribute.Of("kernel_shape", (long)k, k), NodeAttribute.Of("pads", (long)pad, pad, pad, pad));
    }

    public string Linear(string name, string x, int inFeatures, int outFeatures) =>
        Node("Gemm", name, [x, Random($"{name}.weight", [outFeatures, inFeatures], inFeatures), Random($"{name}.bias", [outFeatures], inFeatures)],
            NodeAttribute.Of("transB", 1L));

    public string BatchNorm(string name, string x, int channels) =>
        Node("BatchNormalization", name, [x, Fill($"{name}.weight", channels, 1f), Fill($"{name}.bias", channels, 0f),
            Fill($"{name}.running_mean", channels, 0f), Fill($"{name}.running_var", channels, 1f)], NodeAttribute.Of("epsilon", 1e-5f));

    public string Node(string opType, string name, List<string> inputs, params NodeAttribute[] attributes)
    {
        _graph.Nodes.Add(new GraphNode { Name = name, OpType = opType, Inputs = inputs, Outputs = [name + ".out"], Attributes = [.. attributes] });
        return name + ".out";
    }

    public ModelGraph Build(string last, string output, long[] outputDims)
    {
        _graph.Nodes[^1].Outputs[0] = output;
        foreach (var node in _graph.Nodes) for (var i = 0; i < node.Inputs.Count; i++) if (node.Inputs[i] == last) node.Inputs[i] = output;
        _graph.Outputs.Add(new ValueInfo(output, ElementType.Float32, outputDims));
        return _graph;
    }

    private string Random(string name, long[] dims, int fanIn)
    {
        var bound = 1 / MathF.Sqrt(fanIn);
        var values = new float[dims.Aggregate(1L, (a, d) => a * d)];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(_random.NextDouble() * 2 - 1) * bound;
        _graph.Initializers.Add(TensorData.FromFloats(name, dims, values));
        return name;
    }

    private string Fill(string name, int count, float value)
    {
        _graph.Initializers.Add(TensorData.FromFloats(name, [count], Enumerable.Repeat(value, count).ToArray()));
        return name;
    }
}
