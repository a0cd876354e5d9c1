namespace AdmmNn.Runtime;

/// <summary>A weight layer as the runtime executes it.</summary>
/// <param name="Name">Node name.</param>
/// <param name="OpType">Conv, Gemm or MatMul.</param>
/// <param name="Weight">Weight initializer name.</param>
/// <param name="Weights">Dense weight count.</param>
/// <param name="Kernel">"sparse" or "dense".</param>
/// <param name="NonZeros">Nonzero weights.</param>
public sealed record CompressedLayerInfo(string Name, string OpType, string Weight, long Weights, string Kernel, long NonZeros);
