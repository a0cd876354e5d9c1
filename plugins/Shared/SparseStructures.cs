namespace AdmmNn.Plugins.Shared;

/// <summary>How a <c>LayerWorkload.Structure</c> name maps to index overhead and regularity.</summary>
internal static class SparseStructures
{
    /// <summary>Whole filters or channels removed: the result is a smaller dense layer, no per-weight index.</summary>
    public static bool IsCoarse(string structure) =>
        structure is "filter" or "channel" or "dense";

    /// <summary>Blocks of weights kept or removed together (one index per block).</summary>
    public static bool IsBlock(string structure) =>
        structure.StartsWith("block", StringComparison.OrdinalIgnoreCase);

    /// <summary>Fixed-pattern sparsity (n of every m), one small index per kept weight but perfectly balanced.</summary>
    public static bool IsNOfM(string structure) => structure.Contains(':', StringComparison.Ordinal);
}
