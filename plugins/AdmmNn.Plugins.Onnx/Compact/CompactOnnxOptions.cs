namespace AdmmNn.Plugins.Onnx.Compact;

/// <summary>Settings for <see cref="CompactOnnxWriter"/>.</summary>
public sealed class CompactOnnxOptions
{
    /// <summary>
    /// Default-domain opset to write; null keeps the graph's opset, raised to 10 when a DequantizeLinear node is needed.
    /// INT4 storage needs 21 (ONNX Runtime 1.30 supports it); below 21, weights on at most 16 levels are stored as INT8.
    /// </summary>
    public int? Opset { get; set; }

    /// <summary>Float initializers with fewer elements stay as they are (biases are not worth a node).</summary>
    public int MinElements { get; set; } = 256;

    /// <summary>
    /// Whether pruned tensors may become <c>sparse_initializer</c>s (default true). ONNX Runtime densifies them at load;
    /// ONNX's own shape inference (e.g. <c>onnx.checker.check_model(full_check=True)</c> in onnx 1.12) types them as
    /// sparse tensors and rejects them as inputs of dense ops, so turn this off for tools that need that check to pass.
    /// </summary>
    public bool SparseInitializers { get; set; } = true;
}
