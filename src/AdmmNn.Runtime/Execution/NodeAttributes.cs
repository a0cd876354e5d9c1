using AdmmNn.Abstractions.Models;

namespace AdmmNn.Runtime.Execution;

/// <summary>Typed attribute access with ONNX defaults; wrong kinds become <see cref="ShapeException"/>.</summary>
internal static class NodeAttributes
{
    public static long Int(GraphNode node, string name, long fallback)
    {
        var a = node.Attribute(name);
        if (a is null) return fallback;
        if (a.Kind != AttributeKind.Int) throw new ShapeException($"attribute '{name}' must be an integer");
        return a.Int;
    }

    public static float Float(GraphNode node, string name, float fallback)
    {
        var a = node.Attribute(name);
        if (a is null) return fallback;
        if (a.Kind != AttributeKind.Float) throw new ShapeException($"attribute '{name}' must be a float");
        return a.Float;
    }

    public static string String(GraphNode node, string name, string fallback)
    {
        var a = node.Attribute(name);
        if (a is null) return fallback;
        if (a.Kind != AttributeKind.String) throw new ShapeException($"attribute '{name}' must be a string");
        return a.String ?? fallback;
    }

    public static int[]? Ints(GraphNode node, string name)
    {
        var a = node.Attribute(name);
        if (a is null) return null;
        if (a.Kind != AttributeKind.Ints || a.Ints is null) throw new ShapeException($"attribute '{name}' must be a list of integers");
        return a.Ints.Select(v => v is > int.MaxValue or < int.MinValue ? throw new ShapeException($"attribute '{name}' value {v} out of range") : (int)v).ToArray();
    }
}
