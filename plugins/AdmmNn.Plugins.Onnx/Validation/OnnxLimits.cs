namespace AdmmNn.Plugins.Onnx.Validation;

/// <summary>
/// What the ONNX reader accepts (docs/onnx.md, "Limits"). Tensors whose values are in the file are bounded by the file;
/// these limits bound what a file can make the reader allocate beyond its own size: densified sparse tensors, declared
/// input shapes, counts. Checked before anything is allocated; a file past one is a <see cref="Abstractions.Formats.ModelFormatException"/>.
/// </summary>
public static class OnnxLimits
{
    /// <summary>Largest file read (protobuf's own limit for one message).</summary>
    public const long MaxFileBytes = int.MaxValue;

    /// <summary>Most elements a sparse tensor may declare (its dense form is allocated): 2^26, 256 MiB as float32.</summary>
    public const long MaxSparseElements = 1L << 26;

    /// <summary>Most elements all sparse tensors of a model may declare together (512 MiB at most, as int64).</summary>
    public const long MaxSparseElementsTotal = 1L << 26;

    /// <summary>Most elements one declared graph input may have (a caller allocates it to run the model): 2^26.</summary>
    public const long MaxInputElements = 1L << 26;

    /// <summary>Largest tensor rank.</summary>
    public const int MaxRank = 32;

    /// <summary>Largest kernel size, stride, dilation or pad of a convolution or pool (2^16).</summary>
    public const long MaxSpatialExtent = 1 << 16;

    /// <summary>Most nodes in a graph.</summary>
    public const int MaxNodes = 1_000_000;

    /// <summary>Most inputs or outputs of one node.</summary>
    public const int MaxNodeValues = 10_000;

    /// <summary>
    /// Nesting depth of graphs: 1. Subgraph attributes (If, Loop, Scan bodies) are not supported, so every accepted graph
    /// is flat; protobuf's recursion limit (100) bounds the parse of anything deeper.
    /// </summary>
    public const int MaxGraphDepth = 1;
}
