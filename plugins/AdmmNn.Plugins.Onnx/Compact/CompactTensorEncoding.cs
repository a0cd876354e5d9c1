namespace AdmmNn.Plugins.Onnx.Compact;

/// <summary>How <see cref="CompactOnnxWriter"/> stored one float initializer.</summary>
public enum CompactTensorEncoding
{
    /// <summary>Float32 <c>initializer</c>, as in a plain ONNX file (small, dense or not exactly representable otherwise).</summary>
    Float,

    /// <summary>Float32 <c>sparse_initializer</c>: nonzero values plus their INT64 linear indices.</summary>
    SparseFloat,

    /// <summary>INT8 <c>initializer</c> of integer levels q, dequantized by a DequantizeLinear node (value = scale * q).</summary>
    Int8,

    /// <summary>INT4 <c>initializer</c> (two levels per byte, opset 21+) dequantized by a DequantizeLinear node.</summary>
    Int4,

    /// <summary>INT8 <c>sparse_initializer</c> (nonzero levels plus INT64 indices) dequantized by a DequantizeLinear node.</summary>
    SparseInt8,
}
