namespace AdmmNn.OnnxRuntime;

/// <summary>How an <see cref="OnnxRuntimeSession"/> runs.</summary>
public sealed record OnnxRuntimeSessionOptions
{
    /// <summary>Threads for one operator (ONNX Runtime's intra-op pool); 0 lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Graph optimizations (constant folding, fusions); off runs the graph as written.</summary>
    public bool OptimizeGraph { get; init; } = true;
}
