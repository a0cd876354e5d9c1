namespace AdmmNn.Plugins.Onnx.Compact;

/// <summary>What <see cref="CompactOnnxWriter"/> did with one float initializer.</summary>
/// <param name="Name">Initializer name (the value name the consumers read; unchanged).</param>
/// <param name="ElementCount">Number of elements.</param>
/// <param name="NonZeros">Number of nonzero elements.</param>
/// <param name="Encoding">The storage chosen.</param>
/// <param name="Scale">Dequantization scale for the integer encodings; 0 otherwise.</param>
/// <param name="Levels">Distinct values (zero included) when there are at most 65,536, else -1.</param>
/// <param name="PayloadBytes">Bytes of tensor data written (values, indices, scale and zero point; not protobuf framing).</param>
/// <param name="Note">Why a tensor that looked compressible stayed float (e.g. a non-uniform codebook), else empty.</param>
public sealed record CompactTensorReport(
    string Name, long ElementCount, long NonZeros, CompactTensorEncoding Encoding, float Scale, int Levels, long PayloadBytes, string Note);
