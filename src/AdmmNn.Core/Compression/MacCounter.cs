using AdmmNn.Abstractions.Models;

namespace AdmmNn.Core.Compression;

/// <summary>
/// Output positions per weight for Conv/Gemm/MatMul layers, by a small per-sample shape inference over the graph
/// (Conv, pooling, Flatten, Reshape, Gemm, MatMul; other ops keep their first input's shape). A weight's dense MACs
/// = weight count × positions, and its sparse MACs = nonzeros × positions.
/// </summary>
public static class MacCounter
{
    /// <summary>Output positions (per sample) of every Conv/Gemm/MatMul weight, keyed by the weight's initializer name.</summary>
    public static IReadOnlyDictionary<string, long> PositionsPerWeight(ModelGraph graph, int[] sampleShape)
    {
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var input in graph.Inputs) shapes[input.Name] = sampleShape;
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            var x = node.Inputs.Count > 0 && shapes.TryGetValue(node.Inputs[0], out var s) ? s : null;
            var w = node.Inputs.Count > 1 ? graph.Initializer(node.Inputs[1]) : null;
            int[]? y = x;
            switch (node.OpType)
            {
                case "Conv" when x is { Length: >= 2 } && w is { Dims.Length: >= 3 }:
                {
                    var spatial = x.Length - 1;
                    var outShape = new int[x.Length];
                    outShape[0] = (int)w.Dims[0];
                    long positions = 1;
                    for (var a = 0; a < spatial; a++)
                    {
                        var k = (int)w.Dims[2 + a];
                        outShape[1 + a] = OutputSize(node, a, spatial, x[1 + a], k);
                        positions *= outShape[1 + a];
                    }
                    result[w.Name] = positions;
                    y = outShape;
                    break;
                }
                case "MaxPool" or "AveragePool" when x is { Length: >= 2 }:
                {
                    var kernel = node.Attribute("kernel_shape")?.Ints ?? [];
                    var spatial = x.Length - 1;
                    y = new int[x.Length];
                    y[0] = x[0];
                    for (var a = 0; a < spatial; a++) y[1 + a] = OutputSize(node, a, spatial, x[1 + a], a < kernel.Length ? (int)kernel[a] : 1);
                    break;
                }
                case "GlobalAveragePool" or "GlobalMaxPool" when x is { Length: >= 1 }:
                    y = [x[0], .. Enumerable.Repeat(1, x.Length - 1)];
                    break;
                case "Flatten" when x is not null:
                    y = [x.Aggregate(1, (p, d) => p * d)];
                    break;
                case "Reshape" when x is not null:
                    var target = node.Inputs.Count > 1 ? graph.Initializer(node.Inputs[1])?.Int64s : null;
                    y = target is { Length: >= 2 } && target.Skip(1).All(d => d > 0) ? [.. target.Skip(1).Select(d => (int)d)] : [x.Aggregate(1, (p, d) => p * d)];
                    break;
                case "Gemm" when w is { Dims.Length: 2 }:
                    result[w.Name] = 1;
                    y = [(int)(node.Attribute("transB")?.Int == 1 ? w.Dims[0] : w.Dims[1])];
                    break;
                case "MatMul" when w is { Dims.Length: 2 }:
                    var rows = x is { Length: > 1 } ? x[..^1].Aggregate(1, (p, d) => p * d) : 1;
                    result[w.Name] = rows;
                    y = x is { Length: > 1 } ? [.. x[..^1], (int)w.Dims[1]] : [(int)w.Dims[1]];
                    break;
            }
            if (y is not null) foreach (var o in node.Outputs) shapes[o] = y;
        }
        return result;
    }

    private static int OutputSize(GraphNode node, int axis, int spatial, int input, int kernel)
    {
        long At(string name, int index, long fallback) => node.Attribute(name)?.Ints is { } v && index < v.Length ? v[index] : fallback;
        var stride = At("strides", axis, 1);
        var dilation = At("dilations", axis, 1);
        var autoPad = node.Attribute("auto_pad")?.String ?? "NOTSET";
        if (autoPad is "SAME_UPPER" or "SAME_LOWER") return (int)((input + stride - 1) / stride);
        var pads = autoPad == "VALID" ? 0 : At("pads", axis, 0) + At("pads", axis + spatial, 0);
        var span = dilation * (kernel - 1) + 1;
        var numerator = input + pads - span;
        var ceil = node.Attribute("ceil_mode")?.Int == 1;
        return (int)((ceil ? (numerator + stride - 1) / stride : numerator / stride) + 1);
    }
}
