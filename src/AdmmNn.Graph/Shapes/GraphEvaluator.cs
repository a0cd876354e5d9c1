using AdmmNn.Abstractions.Models;
using AdmmNn.Graph.Simplification;

namespace AdmmNn.Graph.Shapes;

/// <summary>
/// Walks a graph once in node order, working out every value's shape and every value known at import time (constants and
/// shape vectors, possibly with a symbolic batch). Shared by <see cref="ShapeInference"/> and <see cref="GraphSimplifier"/>.
/// </summary>
internal sealed class GraphEvaluator
{
    public Dictionary<string, Dim[]?> Shapes { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, FoldedValue> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Nodes whose op has no shape rule (and could not be folded), in graph order.</summary>
    public List<GraphNode> Unsupported { get; } = [];

    /// <summary>Problems met in lenient mode, by node name (strict mode throws them).</summary>
    public Dictionary<string, string> Problems { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Evaluates <paramref name="graph"/>. The first graph input's non-batch dimensions come from
    /// <paramref name="inputShapePerSample"/> when given; the batch is <paramref name="batch"/> when given, else symbolic.
    /// Strict mode throws <see cref="GraphException"/> at the first inconsistent node; lenient mode records it and goes on.
    /// </summary>
    public static GraphEvaluator Run(ModelGraph graph, int[]? inputShapePerSample, long? batch, bool strict)
    {
        var e = new GraphEvaluator();
        foreach (var t in graph.Initializers)
        {
            e.Shapes[t.Name] = t.Dims.Select(Dim.Of).ToArray();
            e.Values[t.Name] = FoldedValue.From(t);
        }
        var inputs = graph.Inputs.Where(i => !e.Values.ContainsKey(i.Name)).ToList();
        for (var k = 0; k < inputs.Count; k++)
        {
            var info = inputs[k];
            if (info.Dims.Length == 0 && info.ElementType == ElementType.Undefined)
            {
                e.Shapes[info.Name] = null;
                continue;
            }
            var dims = info.Dims.Select((d, i) => d >= 0 ? Dim.Of(d) : Dim.Named(info.SymbolicDims?.ElementAtOrDefault(i) ?? (i == 0 ? "N" : $"{info.Name}:{i}"))).ToArray();
            if (k == 0 && inputShapePerSample is not null)
                dims = [dims.Length > 0 ? dims[0] : Dim.Named("N"), .. inputShapePerSample.Select(d => Dim.Of(d))];
            if (batch is { } b && dims.Length > 0 && !dims[0].IsKnown) dims[0] = Dim.Of(b);
            e.Shapes[info.Name] = dims;
        }
        foreach (var node in graph.Nodes) e.Visit(node, graph.OpsetVersion, strict);
        return e;
    }

    private void Visit(GraphNode node, int opset, bool strict)
    {
        Dim[]? ShapeOf(int i) => i < node.Inputs.Count && node.Inputs[i].Length > 0 ? Shapes.GetValueOrDefault(node.Inputs[i]) : null;
        FoldedValue? ValueOf(int i) => i < node.Inputs.Count && node.Inputs[i].Length > 0 ? Values.GetValueOrDefault(node.Inputs[i]) : null;

        if (node.Domain is not "" || !(ShapeRules.KnownSet.Contains(node.OpType) || ConstantFolding.Foldable.Contains(node.OpType)))
        {
            Unsupported.Add(node);
            foreach (var output in node.Outputs) if (output.Length > 0) Shapes[output] = null;
            return;
        }

        FoldedValue[]? folded = null;
        try
        {
            folded = ConstantFolding.Evaluate(node, opset, ValueOf, ShapeOf);
        }
        catch (GraphException ex) when (!strict)
        {
            Problems[node.Name] = ex.Message;
        }
        if (folded is not null)
        {
            for (var o = 0; o < node.Outputs.Count && o < folded.Length; o++)
            {
                if (node.Outputs[o].Length == 0) continue;
                Values[node.Outputs[o]] = folded[o];
                Shapes[node.Outputs[o]] = folded[o].Dims.Select(Dim.Of).ToArray();
            }
            return;
        }

        var inputsKnown = node.Inputs.Select((name, i) => name.Length == 0 || ShapeOf(i) is not null).All(k => k);
        Dim[]?[]? result = null;
        try
        {
            // A node after an unsupported one has no input shape: it is skipped, and only the unsupported one is reported.
            result = inputsKnown ? ShapeRules.Infer(node, opset, ShapeOf, i => ValueOf(i) is { IsKnown: true } v ? v.ToTensor("") : null, i => ValueOf(i)?.Ints) : [];
        }
        catch (GraphException ex) when (!strict)
        {
            Problems[node.Name] = ex.Message;
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or InvalidOperationException or OverflowException)
        {
            if (strict) throw ShapeRules.Fail(node, $"cannot work out the output shape: {ex.Message}");
            Problems[node.Name] = ex.Message;
        }
        for (var o = 0; o < node.Outputs.Count; o++)
            if (node.Outputs[o].Length > 0) Shapes[node.Outputs[o]] = result is not null && o < result.Length ? result[o] : null;
    }
}
