using AdmmNn.Abstractions.Models;

namespace AdmmNn.Graph.Shapes;

/// <summary>Every value's inferred shape (see <see cref="ShapeInference.Infer"/>), and the nodes whose op has no shape rule.</summary>
public sealed class GraphShapes
{
    private readonly IReadOnlyDictionary<string, Dim[]?> shapes;

    internal GraphShapes(IReadOnlyDictionary<string, Dim[]?> shapes, IReadOnlyList<GraphNode> unsupported)
    {
        this.shapes = shapes;
        Unsupported = unsupported;
    }

    /// <summary>Nodes whose op type has no shape rule, in graph order (their outputs have no shape).</summary>
    public IReadOnlyList<GraphNode> Unsupported { get; }

    /// <summary>The shape of <paramref name="value"/>, or null when unknown.</summary>
    public Dim[]? this[string value] => shapes.GetValueOrDefault(value);

    /// <summary>Names of every value with a shape entry.</summary>
    public IEnumerable<string> Values => shapes.Keys;

    /// <summary>The shape of <paramref name="value"/> with every dimension known; throws <see cref="GraphException"/> otherwise.</summary>
    public long[] Concrete(string value)
    {
        var s = this[value] ?? throw new GraphException($"value '{value}' has no known shape");
        return s.All(d => d.IsKnown) ? s.Select(d => d.Value).ToArray()
            : throw new GraphException($"value '{value}' has shape {Dim.Format(s)} with unknown dimensions");
    }

    /// <summary>Throws one <see cref="GraphException"/> listing every node whose op has no shape rule, if any.</summary>
    public void RequireSupported() => UnsupportedOps.ThrowIfAny(Unsupported, "shape inference");
}
