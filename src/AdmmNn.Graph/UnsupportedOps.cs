using AdmmNn.Abstractions.Models;

namespace AdmmNn.Graph;

/// <summary>One error naming every unsupported node of a model, not just the first.</summary>
public static class UnsupportedOps
{
    /// <summary>
    /// Throws a <see cref="GraphException"/> listing every node in <paramref name="nodes"/> as <c>node 'name' (OpType)</c> when there is any. <paramref name="who"/> says what does not support them.
    /// </summary>
    public static void ThrowIfAny(IReadOnlyCollection<GraphNode> nodes, string who)
    {
        if (nodes.Count == 0) return;
        throw new GraphException(Describe(nodes, who));
    }

    private static string Type(GraphNode n) => n.Domain is "" ? n.OpType : $"{n.Domain}.{n.OpType}";

    /// <summary>The message <see cref="ThrowIfAny"/> throws.</summary>
    public static string Describe(IEnumerable<GraphNode> nodes, string who)
    {
        var list = nodes.ToList();
        var types = string.Join(", ", list.Select(Type).Distinct());
        return $"{list.Count} node(s) use ops {who} does not support ({types}): {string.Join(", ", list.Select(n => $"node '{n.Name}' ({Type(n)})"))}";
    }
}
