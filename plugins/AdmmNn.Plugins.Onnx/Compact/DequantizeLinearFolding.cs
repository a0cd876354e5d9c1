using AdmmNn.Abstractions.Models;

namespace AdmmNn.Plugins.Onnx.Compact;

/// <summary>
/// Turns a compact ONNX model read back by <see cref="OnnxFormat"/> into its dense float equivalent: every default-domain
/// DequantizeLinear node whose inputs are all initializers, with a per-tensor (scalar) scale and zero point, becomes a
/// float initializer named like the node's output, holding <c>scale * (float)(q - zero_point)</c> (the value ONNX Runtime
/// computes, so bit-exact). Sparse initializers need nothing: the reader already makes them dense.
/// </summary>
public static class DequantizeLinearFolding
{
    /// <summary>A copy of <paramref name="graph"/> with foldable DequantizeLinear nodes replaced by float initializers.</summary>
    public static ModelGraph Fold(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var initializers = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var folded = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        var nodes = new List<GraphNode>();
        foreach (var node in graph.Nodes)
        {
            if (TryFold(node, initializers) is { } tensor) folded[tensor.Name] = tensor;
            else nodes.Add(node);
        }
        var stillUsed = new HashSet<string>(nodes.SelectMany(n => n.Inputs).Concat(graph.Outputs.Select(o => o.Name)), StringComparer.Ordinal);
        var consumedByFold = new HashSet<string>(
            graph.Nodes.Where(n => n.Outputs.Count == 1 && folded.ContainsKey(n.Outputs[0])).SelectMany(n => n.Inputs), StringComparer.Ordinal);
        var result = graph.WithNodes(nodes);
        foreach (var t in graph.Initializers)
            if (!consumedByFold.Contains(t.Name) || stillUsed.Contains(t.Name)) result.Initializers.Add(t);
        result.Initializers.AddRange(folded.Values);
        return result;
    }

    private static TensorData? TryFold(GraphNode node, Dictionary<string, TensorData> initializers)
    {
        if (node.OpType != "DequantizeLinear" || node.Domain.Length > 0 || node.Outputs.Count != 1 || node.Inputs.Count is < 2 or > 3) return null;
        // A non-default axis or block size means per-axis/blocked scales; only the per-tensor form is folded.
        if (node.Attributes.Any(a => a.Name == "block_size" && a.Int != 0)) return null;
        if (!initializers.TryGetValue(node.Inputs[0], out var x) || x.Int64s is null) return null;
        if (!initializers.TryGetValue(node.Inputs[1], out var scale) || scale.Floats is not { Length: 1 } scaleValue) return null;
        long zeroPoint = 0;
        if (node.Inputs.Count == 3 && node.Inputs[2].Length > 0)
        {
            if (!initializers.TryGetValue(node.Inputs[2], out var zp) || zp.Int64s is not { Length: 1 } zpValue) return null;
            zeroPoint = zpValue[0];
        }
        var values = new float[x.Int64s.Length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(x.Int64s[i] - zeroPoint) * scaleValue[0];
        return TensorData.FromFloats(node.Outputs[0], x.Dims, values);
    }
}
