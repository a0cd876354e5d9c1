using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Ops;

/// <summary>Typed attribute reads with ONNX defaults.</summary>
internal static class Attributes
{
    public static long Int(this GraphNode node, string name, long fallback) =>
        node.Attribute(name) is { } a ? a.Kind == AttributeKind.Int ? a.Int : throw Bad(node, name, "an integer") : fallback;

    public static float Float(this GraphNode node, string name, float fallback) =>
        node.Attribute(name) is { } a ? a.Kind switch
        {
            AttributeKind.Float => a.Float,
            AttributeKind.Int => a.Int,
            _ => throw Bad(node, name, "a float"),
        } : fallback;

    public static string String(this GraphNode node, string name, string fallback) =>
        node.Attribute(name) is { } a ? a.Kind == AttributeKind.String ? a.String ?? fallback : throw Bad(node, name, "a string") : fallback;

    public static int[]? Ints(this GraphNode node, string name) =>
        node.Attribute(name) is { } a ? a.Kind == AttributeKind.Ints ? (a.Ints ?? []).Select(v => checked((int)v)).ToArray() : throw Bad(node, name, "an integer list") : null;

    private static InvalidModelException Bad(GraphNode node, string name, string what) =>
        new($"Node '{node.Name}' ({node.OpType}): attribute '{name}' must be {what}.");
}
