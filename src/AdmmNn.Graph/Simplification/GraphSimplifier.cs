using AdmmNn.Abstractions.Models;
using AdmmNn.Graph.Shapes;

namespace AdmmNn.Graph.Simplification;

/// <summary>
/// Import-time simplification: given the model's input shape (batch symbolic), evaluates every node whose outputs are
/// known at import time (Constant, ConstantOfShape, Shape, Gather, Unsqueeze, Squeeze, Concat, Slice, Cast, Range,
/// Reshape, Identity, arithmetic on constants) into initializers, removes no-ops (Identity, Pad by zeros), rewrites Reshape targets computed from shapes into
/// constants (the batch becomes 0, "copy the input's dimension", or -1), and drops dead nodes and initializers. What
/// remains are compute ops whose shape-like inputs are initializers. Semantics are kept: graph outputs are never folded away.
/// </summary>
public static class GraphSimplifier
{
    /// <summary>
    /// A simplified copy of <paramref name="graph"/> (nodes and attribute objects are shared with the source where
    /// unchanged; folded initializers are new arrays). <paramref name="inputShapePerSample"/> overrides the first input's
    /// non-batch dimensions.
    /// </summary>
    public static ModelGraph Simplify(ModelGraph graph, int[]? inputShapePerSample = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var e = GraphEvaluator.Run(graph, inputShapePerSample, batch: null, strict: false);
        var graphOutputs = graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var initializers = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var added = new List<TensorData>();
        var kept = new List<GraphNode>();
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var original in graph.Nodes)
        {
            var node = original.Inputs.Any(aliases.ContainsKey) ? WithInputs(original, original.Inputs.Select(i => aliases.GetValueOrDefault(i, i)).ToList()) : original;
            var outputs = node.Outputs.Where(o => o.Length > 0).ToList();
            var folded = outputs.Count > 0 && outputs.All(o => e.Values.TryGetValue(o, out var v) && v.IsKnown) && !outputs.Any(graphOutputs.Contains);
            if (folded) continue;
            if (IsNoOp(node, e) && !graphOutputs.Contains(node.Outputs[0]))
            {
                aliases[node.Outputs[0]] = node.Inputs[0];
                continue;
            }
            var copy = node;
            if (node.OpType == "Reshape" && node.Domain is "" && node.Inputs.Count > 1 && ReshapeTarget(node, e) is { } target)
            {
                var name = Unique($"{node.Inputs[1]}_static", initializers);
                var tensor = TensorData.FromInt64s(name, [target.Length], target);
                initializers[name] = tensor;
                added.Add(tensor);
                copy = WithInput(node, 1, name);
            }
            foreach (var input in copy.Inputs)
            {
                if (input.Length == 0 || initializers.ContainsKey(input)) continue;
                if (e.Values.TryGetValue(input, out var v) && v.IsKnown && !ProducedBy(kept, input))
                {
                    var tensor = v.ToTensor(input);
                    initializers[input] = tensor;
                    added.Add(tensor);
                }
            }
            kept.Add(copy);
        }

        // Graph outputs that are folded initializers keep their producing node (above), so every output is still produced.
        var live = new HashSet<string>(graphOutputs, StringComparer.Ordinal);
        var nodes = new List<GraphNode>();
        for (var i = kept.Count - 1; i >= 0; i--)
        {
            var node = kept[i];
            if (!node.Outputs.Any(live.Contains)) continue;
            nodes.Add(node);
            foreach (var input in node.Inputs) if (input.Length > 0) live.Add(input);
        }
        nodes.Reverse();
        var declaredInputs = graph.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var originallyRead = graph.Nodes.SelectMany(n => n.Inputs).ToHashSet(StringComparer.Ordinal);
        var result = graph.WithNodes(nodes);
        // An initializer dies only through folding: one no node read in the first place is the file's business (kept).
        result.Initializers = graph.Initializers.Where(t => live.Contains(t.Name) || declaredInputs.Contains(t.Name) || !originallyRead.Contains(t.Name))
            .Concat(added.Where(t => live.Contains(t.Name))).ToList();
        return result;
    }

    /// <summary>
    /// A constant Reshape target for a target computed from shapes: known entries as they are, an entry equal to the data's
    /// symbolic dimension at the same position becomes 0 (copy), one remaining unknown entry becomes -1. Null when the
    /// target is already an initializer or cannot be made constant.
    /// </summary>
    private static long[]? ReshapeTarget(GraphNode node, GraphEvaluator e)
    {
        if (!e.Values.TryGetValue(node.Inputs[1], out var value) || value.IsKnown || value.Ints is null) return null;
        var data = e.Shapes.GetValueOrDefault(node.Inputs[0]);
        var allowZero = node.Attribute("allowzero")?.Int == 1;
        var target = new long[value.Ints.Length];
        var unknown = 0;
        for (var i = 0; i < target.Length; i++)
        {
            var d = value.Ints[i];
            if (d.IsKnown) target[i] = d.Value;
            else if (!allowZero && d.IsSymbolic && data is not null && i < data.Length && data[i] == d && !value.Ints.Take(i).Any(k => k.IsKnown && k.Value == 0)) target[i] = 0;
            else
            {
                target[i] = -1;
                unknown++;
            }
        }
        if (unknown > 1 || unknown == 1 && target.Contains(0) && allowZero) return null;
        return unknown == 1 && value.Ints.Any(d => d.IsKnown && d.Value == -1) ? null : target;
    }

    /// <summary>Identity, and Pad by zeros (PyTorch 1.13 writes one before AvgPool2d at opset 11): the output is the input.</summary>
    private static bool IsNoOp(GraphNode node, GraphEvaluator e) =>
        node.Domain is "" && node.Outputs.Count == 1 && node.Inputs.Count > 0 && node.Inputs[0].Length > 0 && node.OpType switch
        {
            "Identity" => true,
            "Pad" => (node.Attribute("mode")?.String ?? "constant") == "constant"
                     && (node.Inputs.Count > 1 ? e.Values.GetValueOrDefault(node.Inputs[1])?.KnownInts : node.Attribute("pads")?.Ints) is { } pads
                     && pads.All(p => p == 0),
            _ => false,
        };

    private static bool ProducedBy(List<GraphNode> nodes, string value) => nodes.Any(n => n.Outputs.Contains(value));

    private static GraphNode WithInput(GraphNode node, int index, string name)
    {
        var inputs = node.Inputs.ToList();
        inputs[index] = name;
        return WithInputs(node, inputs);
    }

    private static GraphNode WithInputs(GraphNode node, List<string> inputs) =>
        new() { Name = node.Name, OpType = node.OpType, Domain = node.Domain, Inputs = inputs, Outputs = node.Outputs, Attributes = node.Attributes };

    private static string Unique(string stem, Dictionary<string, TensorData> taken)
    {
        var name = stem;
        for (var i = 1; taken.ContainsKey(name); i++) name = $"{stem}_{i}";
        return name;
    }
}
