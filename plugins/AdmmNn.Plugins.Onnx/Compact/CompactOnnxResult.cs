namespace AdmmNn.Plugins.Onnx.Compact;

/// <summary>The compact ONNX file and what was done with each float initializer.</summary>
/// <param name="Bytes">The serialized ModelProto.</param>
/// <param name="Opset">Default-domain opset written.</param>
/// <param name="Tensors">One report per float initializer of at least <see cref="CompactOnnxOptions.MinElements"/> elements, in graph order.</param>
public sealed record CompactOnnxResult(byte[] Bytes, int Opset, IReadOnlyList<CompactTensorReport> Tensors);
