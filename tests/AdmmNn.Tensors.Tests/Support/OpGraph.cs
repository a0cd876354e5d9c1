using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Tests.Support;

/// <summary>Builds one-node graphs whose float operands are initializers (so they become trainable parameters).</summary>
public sealed class OpGraph
{
    private readonly ModelGraph _graph;
    private readonly GraphNode _node;
    private readonly Random _random;

    public OpGraph(string opType, int seed = 1, int opset = 17)
    {
        _random = new Random(seed);
        _node = new GraphNode { Name = "node0", OpType = opType, Outputs = ["y"] };
        _graph = new ModelGraph { OpsetVersion = opset, Nodes = [_node] };
        _graph.Outputs.Add(new ValueInfo("y", ElementType.Float32, []));
        Operands = [];
    }

    /// <summary>The operand values by name, in double precision, exactly equal to the float initializers.</summary>
    public Dictionary<string, DTensor> Operands { get; }

    public ModelGraph Graph => _graph;

    /// <summary>Adds a random float operand in [lo, hi).</summary>
    public OpGraph Random(string name, int[] shape, double lo = -1, double hi = 1)
    {
        var values = new float[shape.Aggregate(1, (a, d) => a * d)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(lo + (hi - lo) * _random.NextDouble());
        }

        return Float(name, shape, values);
    }

    /// <summary>Adds a float operand with given values.</summary>
    public OpGraph Float(string name, int[] shape, float[] values)
    {
        _graph.Initializers.Add(TensorData.FromFloats(name, shape.Select(d => (long)d).ToArray(), values));
        _node.Inputs.Add(name);
        Operands[name] = new DTensor(values.Select(v => (double)v).ToArray(), shape);
        return this;
    }

    /// <summary>Adds an int64 constant operand (e.g. a Reshape shape).</summary>
    public OpGraph Int64(string name, long[] values)
    {
        _graph.Initializers.Add(TensorData.FromInt64s(name, [values.Length], values));
        _node.Inputs.Add(name);
        return this;
    }

    /// <summary>Marks an omitted optional input.</summary>
    public OpGraph Omitted()
    {
        _node.Inputs.Add("");
        return this;
    }

    public OpGraph Attr(string name, params long[] values)
    {
        _node.Attributes.Add(NodeAttribute.Of(name, values));
        return this;
    }

    public OpGraph AttrInt(string name, long value)
    {
        _node.Attributes.Add(NodeAttribute.Of(name, value));
        return this;
    }

    public OpGraph AttrFloat(string name, float value)
    {
        _node.Attributes.Add(NodeAttribute.Of(name, value));
        return this;
    }

    public OpGraph AttrString(string name, string value)
    {
        _node.Attributes.Add(NodeAttribute.Of(name, value));
        return this;
    }
}
