using AdmmNn.Abstractions.Models;

namespace AdmmNn.Core.Compression.Purification;

/// <summary>One round of <see cref="Purifier"/>: decides the removable channels of each group and builds the smaller graph.</summary>
internal static class ChannelRemoval
{
    /// <summary>A copy of <paramref name="graph"/> without the channels <paramref name="analysis"/> finds removable.</summary>
    public static ModelGraph Apply(ModelGraph graph, ChannelAnalysis analysis, out int removed, out int folded)
    {
        removed = 0;
        folded = 0;
        var nodes = graph.Nodes.Select(Copy).ToList();
        var byName = graph.Nodes.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => nodes[p.i]);
        var tensors = graph.Initializers.ToDictionary(t => t.Name, t => t, StringComparer.Ordinal);
        var keep = new Dictionary<(string Tensor, int Axis), bool[]>();
        var changed = new Dictionary<string, float[]>(StringComparer.Ordinal);

        var drops = new List<(ChannelGroup Group, bool[] Drop)>();
        foreach (var group in analysis.Groups.Where(g => !g.Pinned))
        {
            var drop = new bool[group.Channels];
            for (var k = 0; k < group.Channels; k++) drop[k] = Removable(group, k, analysis);
            if (drop.All(d => d)) drop[0] = false;  // a tensor with no channel is not a model; keep one
            var count = drop.Count(d => d);
            if (count == 0) continue;
            removed += count;
            drops.Add((group, drop));
        }
        // Folds first (they may give a layer a bias), then every cut, so a layer losing filters loses them from that bias too.
        foreach (var (group, drop) in drops)
        {
            foreach (var consumer in group.Consumers)
            {
                var constants = analysis.Constants[consumer.Inputs[0]];
                var inAxis = InputAxis(consumer);
                for (var k = 0; k < drop.Length; k++)
                {
                    if (!drop[k] || analysis.InputEmpty(consumer, k) || constants[k] == 0) continue;
                    Fold(byName[consumer], tensors, changed, k, constants[k], inAxis);
                    folded++;
                }
            }
        }
        foreach (var (group, drop) in drops)
        {
            foreach (var consumer in group.Consumers) Mark(keep, consumer.Inputs[1], InputAxis(consumer), drop);
            foreach (var producer in group.Producers.Select(p => byName[p]))
            {
                Mark(keep, producer.Inputs[1], 0, drop);
                if (producer.Inputs.Count > 2 && producer.Inputs[2].Length > 0) Mark(keep, producer.Inputs[2], 0, drop);
            }
            foreach (var bn in group.BatchNorms)
                foreach (var p in bn.Inputs.Skip(1)) Mark(keep, p, 0, drop);
        }

        var result = graph.WithNodes(nodes);
        foreach (var original in graph.Initializers) result.Initializers.Add(Slice(tensors[original.Name], changed, keep));
        foreach (var added in tensors.Values.Where(t => graph.Initializer(t.Name) is null)) result.Initializers.Add(Slice(added, changed, keep));
        return result;
    }

    private static int InputAxis(GraphNode layer) => layer.OpType == "Gemm" && !ChannelAnalysis.TransB(layer) ? 0 : 1;

    private static bool Removable(ChannelGroup group, int k, ChannelAnalysis analysis)
    {
        if (group.Consumers.All(c => analysis.InputEmpty(c, k))) return true;
        if (!group.Tensors.All(t => !double.IsNaN(analysis.Constants[t][k]))) return false;
        return group.Consumers.All(c => analysis.InputEmpty(c, k) || ChannelAnalysis.Unpadded(c) || analysis.Constants[c.Inputs[0]][k] == 0);
    }

    /// <summary>Adds what constant input channel <paramref name="k"/> (value <paramref name="c"/>) contributes to each output into the layer's bias.</summary>
    private static void Fold(GraphNode layer, Dictionary<string, TensorData> tensors, Dictionary<string, float[]> changed, int k, double c, int inAxis)
    {
        var weight = tensors[layer.Inputs[1]];
        var w = weight.Floats!;
        var outAxis = 1 - inAxis;
        int outputs = (int)weight.Dims[outAxis], inputs = (int)weight.Dims[inAxis], inner = w.Length / (outputs * inputs);
        if (layer.Inputs.Count < 3 || layer.Inputs[2].Length == 0)
        {
            var name = weight.Name + ".purified_bias";
            while (tensors.ContainsKey(name)) name += "_";
            tensors[name] = TensorData.FromFloats(name, [outputs], new float[outputs]);
            while (layer.Inputs.Count < 3) layer.Inputs.Add("");
            layer.Inputs[2] = name;
        }
        var biasName = layer.Inputs[2];
        if (!changed.TryGetValue(biasName, out var bias)) changed[biasName] = bias = (float[])tensors[biasName].Floats!.Clone();
        for (var o = 0; o < outputs; o++)
        {
            double sum = 0;
            for (var i = 0; i < inner; i++)
                sum += inAxis == 1 ? w[(o * inputs + k) * inner + i] : w[k * outputs + o];
            bias[o] = (float)(bias[o] + c * sum);
        }
    }

    private static void Mark(Dictionary<(string, int), bool[]> keep, string tensor, int axis, bool[] drop)
    {
        if (!keep.TryGetValue((tensor, axis), out var mask)) keep[(tensor, axis)] = mask = Enumerable.Repeat(true, drop.Length).ToArray();
        for (var k = 0; k < drop.Length; k++) if (drop[k]) mask[k] = false;
    }

    private static TensorData Slice(TensorData tensor, Dictionary<string, float[]> changed, Dictionary<(string, int), bool[]> keep)
    {
        var values = changed.GetValueOrDefault(tensor.Name) ?? tensor.Floats;
        var rows = keep.GetValueOrDefault((tensor.Name, 0));
        var cols = keep.GetValueOrDefault((tensor.Name, 1));
        if (values is null || (rows is null && cols is null))
            return ReferenceEquals(values, tensor.Floats) ? tensor : TensorData.FromFloats(tensor.Name, tensor.Dims, values!);
        var dims = tensor.Dims;
        int d0 = (int)dims[0], d1 = dims.Length > 1 ? (int)dims[1] : 1, inner = values.Length / (d0 * d1);
        rows ??= Enumerable.Repeat(true, d0).ToArray();
        cols ??= Enumerable.Repeat(true, d1).ToArray();
        var output = new List<float>(values.Length);
        for (var r = 0; r < d0; r++)
        {
            if (!rows[r]) continue;
            for (var c = 0; c < d1; c++)
                if (cols[c]) output.AddRange(values.AsSpan((r * d1 + c) * inner, inner).ToArray());
        }
        var newDims = (long[])dims.Clone();
        newDims[0] = rows.Count(x => x);
        if (dims.Length > 1) newDims[1] = cols.Count(x => x);
        return TensorData.FromFloats(tensor.Name, newDims, [.. output]);
    }

    private static GraphNode Copy(GraphNode n) => new()
    {
        Name = n.Name,
        OpType = n.OpType,
        Domain = n.Domain,
        Inputs = [.. n.Inputs],
        Outputs = [.. n.Outputs],
        Attributes = n.Attributes,
    };
}
