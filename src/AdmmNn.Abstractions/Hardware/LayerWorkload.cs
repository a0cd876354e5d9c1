namespace AdmmNn.Abstractions.Hardware;

/// <summary>
/// What one weight layer asks of the hardware, dense and as compressed. Shapes are NCHW for activations
/// and <see cref="Constraints.WeightLayout"/> order for weights, for a batch of one.
/// </summary>
/// <param name="Name">Layer (weight) name.</param>
/// <param name="OpType"><c>Conv</c>, <c>Gemm</c> or <c>MatMul</c>.</param>
/// <param name="WeightShape">Weight tensor shape.</param>
/// <param name="InputShape">Input activation shape for one sample.</param>
/// <param name="OutputShape">Output activation shape for one sample.</param>
/// <param name="DenseMacs">Multiply-accumulates of the dense layer for one sample.</param>
/// <param name="Weights">Weight count (dense).</param>
/// <param name="NonZeros">Nonzero weights after pruning (equals <paramref name="Weights"/> when dense).</param>
/// <param name="WeightBits">Bits per stored weight (32 for float, fewer when quantized).</param>
/// <param name="IndexBits">Bits per relative index of the sparse form (0 when dense).</param>
/// <param name="Structure">Sparsity structure name: <c>dense</c>, <c>unstructured</c>, <c>filter</c>, <c>channel</c>, <c>block</c>, <c>n:m</c>.</param>
public sealed record LayerWorkload(
    string Name,
    string OpType,
    int[] WeightShape,
    int[] InputShape,
    int[] OutputShape,
    long DenseMacs,
    long Weights,
    long NonZeros,
    int WeightBits,
    int IndexBits,
    string Structure)
{
    /// <summary>Pruning ratio = weights / nonzeros (1 when dense; infinity when all pruned).</summary>
    public double PruningRatio => NonZeros == 0 ? double.PositiveInfinity : (double)Weights / NonZeros;

    /// <summary>The same layer with a different nonzero count (and structure), other fields kept.</summary>
    public LayerWorkload WithNonZeros(long nonZeros, string structure) => this with { NonZeros = nonZeros, Structure = structure };
}
