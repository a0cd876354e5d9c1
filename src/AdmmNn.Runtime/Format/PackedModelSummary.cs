namespace AdmmNn.Runtime.Format;

/// <summary>
/// The size breakdown of a packed model: <see cref="PayloadBytes"/> is exactly the sum of the float tensors'
/// <see cref="TensorStoragePlan.PayloadBytes"/>; everything else (header, graph, tensor directory, integer constants,
/// checksum) is <see cref="HeaderAndGraphBytes"/>.
/// </summary>
/// <param name="HeaderAndGraphBytes">Header, graph section and checksum.</param>
/// <param name="PayloadBytes">Bit-packed float tensors.</param>
/// <param name="Tensors">Every float tensor in file order.</param>
public sealed record PackedModelSummary(long HeaderAndGraphBytes, long PayloadBytes, IReadOnlyList<PackedTensorSummary> Tensors)
{
    /// <summary>The file's size.</summary>
    public long TotalBytes => HeaderAndGraphBytes + PayloadBytes;

    /// <summary>Number of float weights stored (dense count).</summary>
    public long Parameters => Tensors.Sum(t => t.Plan.Count);

    /// <summary>Sum of the tensors' exact bit costs.</summary>
    public long TotalBits => Tensors.Sum(t => t.Plan.TotalBits);
}
