using AdmmNn.Abstractions.Models;

namespace AdmmNn.Graph.Shapes;

/// <summary>
/// Shape inference for every value of a <see cref="ModelGraph"/>, following ONNX semantics: the one place the engine,
/// the runtime, the hardware analyzer and the exporter learn an op's output shape. Works on raw graphs too (shape
/// subgraphs are evaluated on the way), but is meant to run after <see cref="Simplification.GraphSimplifier"/>.
/// </summary>
public static class ShapeInference
{
    /// <summary>
    /// Shapes of every value. <paramref name="inputShapePerSample"/> replaces the first graph input's non-batch dimensions
    /// (null: as declared); <paramref name="batch"/> fixes the batch size (null: symbolic, e.g. <c>N</c>). Throws
    /// <see cref="GraphException"/> naming the node when shapes are inconsistent.
    /// </summary>
    public static GraphShapes Infer(ModelGraph graph, int[]? inputShapePerSample = null, long? batch = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var e = GraphEvaluator.Run(graph, inputShapePerSample, batch, strict: true);
        return new GraphShapes(e.Shapes, e.Unsupported);
    }

    /// <summary>Op types that have a shape rule.</summary>
    public static IReadOnlyCollection<string> KnownOps { get; } = ShapeRules.Known.ToHashSet();
}
