using AdmmNn.Abstractions.Models;

namespace AdmmNn.Runtime.Format;

/// <summary>A packed model as read from a file: the decoded graph and the storage facts of its tensors.</summary>
public sealed class PackedModel
{
    internal PackedModel(ModelGraph graph, PackedModelSummary summary, int[] nodeOffsets, long fileLength, long elementLimit)
    {
        ElementLimit = elementLimit;
        Graph = graph;
        Summary = summary;
        NodeOffsets = nodeOffsets;
        FileLength = fileLength;
    }

    /// <summary>The graph with every tensor decoded to plain values.</summary>
    public ModelGraph Graph { get; }

    /// <summary>Size breakdown and per-tensor plans, as stored.</summary>
    public PackedModelSummary Summary { get; }

    /// <summary>The file's length in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Most elements any tensor or activation may have (what the file justifies).</summary>
    internal long ElementLimit { get; }

    /// <summary>File offset of each node's record, for error messages.</summary>
    internal int[] NodeOffsets { get; }
}
