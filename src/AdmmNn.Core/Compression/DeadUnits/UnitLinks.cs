using AdmmNn.Abstractions.Models;

namespace AdmmNn.Core.Compression.DeadUnits;

/// <summary>Finds the <see cref="UnitLink"/>s of a graph: Conv (group 1) or Gemm layers whose output reaches exactly one
/// Conv or Gemm through ReLU, MaxPool, Identity and Flatten (axis 1) only. Anything else (a branch, BatchNorm, a graph
/// output, a shared weight) leaves the pair out, so only what the removal rule can prove is linked.</summary>
internal static class UnitLinks
{
    /// <summary>The links of <paramref name="graph"/> (structure only; the weights are not read).</summary>
    public static List<UnitLink> Find(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs.Where(i => i.Length > 0))
            {
                uses[input] = uses.GetValueOrDefault(input) + 1;
                reader[input] = node;
            }
        }
        foreach (var output in graph.Outputs) uses[output.Name] = uses.GetValueOrDefault(output.Name) + 2;

        var links = new List<UnitLink>();
        foreach (var producer in graph.Nodes)
        {
            if (Weight(graph, producer, uses) is not { } w) continue;
            var units = producer.OpType == "Conv" ? (int)w.Dims[0] : TransB(producer) ? (int)w.Dims[0] : (int)w.Dims[1];
            var link = Follow(graph, producer, units, uses, reader);
            if (link is null) continue;
            var bias = producer.Inputs.Count > 2 && producer.Inputs[2].Length > 0 && uses.GetValueOrDefault(producer.Inputs[2]) == 1
                && graph.Initializer(producer.Inputs[2]) is { Floats: not null } b && b.ElementCount == units ? b.Name : null;
            if (producer.Inputs.Count > 2 && producer.Inputs[2].Length > 0 && bias is null) continue; // a bias we cannot edit
            links.Add(new UnitLink
            {
                ProducerWeight = w.Name,
                ProducerBias = bias,
                ThroughRelu = link.Value.Relu,
                ConsumerWeight = link.Value.Consumer.Name,
                ProducerEntries = ProducerEntries(producer, w, units),
                ConsumerEntries = link.Value.Entries,
            });
        }
        return links;
    }

    private static (bool Relu, TensorData Consumer, int[][] Entries)? Follow(ModelGraph graph, GraphNode producer, int units,
        Dictionary<string, int> uses, Dictionary<string, GraphNode> reader)
    {
        if (producer.Outputs.Count != 1) return null;
        var tensor = producer.Outputs[0];
        var relu = false;
        var flattened = false;
        while (true)
        {
            if (uses.GetValueOrDefault(tensor) != 1 || !reader.TryGetValue(tensor, out var next) || next.Inputs[0] != tensor) return null;
            switch (next.OpType)
            {
                case "Relu" or "Identity" when next.Outputs.Count == 1:
                case "MaxPool" when next.Outputs.Count(o => o.Length > 0) == 1 && next.Outputs[0].Length > 0:
                    relu |= next.OpType == "Relu";
                    tensor = next.Outputs[0];
                    continue;
                case "Flatten" when (next.Attribute("axis")?.Int ?? 1) == 1 && next.Outputs.Count == 1:
                    flattened = true;
                    tensor = next.Outputs[0];
                    continue;
                case "Conv" when !flattened && Weight(graph, next, uses) is { } w && w.Dims[1] == units:
                    return (relu, w, ConvReaderEntries(w, units));
                case "Gemm" when Weight(graph, next, uses) is { } w:
                    var features = TransB(next) ? (int)w.Dims[1] : (int)w.Dims[0];
                    if (features % units != 0 || (!flattened && features != units)) return null;
                    return (relu, w, GemmReaderEntries(w, TransB(next), units, features / units));
                default:
                    return null;
            }
        }
    }

    /// <summary>The weight of a Conv (group 1) or Gemm (no transA, alpha = beta = 1) used by this node only, or null.</summary>
    private static TensorData? Weight(ModelGraph graph, GraphNode node, Dictionary<string, int> uses)
    {
        if (node.Inputs.Count < 2 || uses.GetValueOrDefault(node.Inputs[1]) != 1 || graph.Initializer(node.Inputs[1]) is not { Floats: not null } w) return null;
        return node.OpType switch
        {
            "Conv" when w.Dims.Length >= 3 && (node.Attribute("group")?.Int ?? 1) == 1 => w,
            "Gemm" when w.Dims.Length == 2 && node.Attribute("transA")?.Int != 1
                && (node.Attribute("alpha")?.Float ?? 1f) == 1f && (node.Attribute("beta")?.Float ?? 1f) == 1f => w,
            _ => null,
        };
    }

    private static bool TransB(GraphNode gemm) => gemm.Attribute("transB")?.Int == 1;

    private static int[][] ProducerEntries(GraphNode producer, TensorData w, int units)
    {
        var size = (int)(w.ElementCount / units);
        if (producer.OpType == "Conv" || TransB(producer))
            return [.. Enumerable.Range(0, units).Select(u => Enumerable.Range(u * size, size).ToArray())];
        // Gemm without transB: W is [K, N]; output unit u is column u.
        return [.. Enumerable.Range(0, units).Select(u => Enumerable.Range(0, size).Select(k => k * units + u).ToArray())];
    }

    private static int[][] ConvReaderEntries(TensorData w, int units)
    {
        int outputs = (int)w.Dims[0], inner = (int)(w.ElementCount / (outputs * units));
        return [.. Enumerable.Range(0, units).Select(c =>
            Enumerable.Range(0, outputs).SelectMany(o => Enumerable.Range((o * units + c) * inner, inner)).ToArray())];
    }

    /// <summary>Unit c is read by input features c·span … c·span + span − 1 (Flatten keeps channel-major order).</summary>
    private static int[][] GemmReaderEntries(TensorData w, bool transB, int units, int span)
    {
        var outputs = transB ? (int)w.Dims[0] : (int)w.Dims[1];
        var features = units * span;
        return [.. Enumerable.Range(0, units).Select(c =>
            Enumerable.Range(0, outputs).SelectMany(n => Enumerable.Range(c * span, span).Select(f => transB ? n * features + f : f * outputs + n)).ToArray())];
    }
}
