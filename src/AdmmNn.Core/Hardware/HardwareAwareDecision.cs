namespace AdmmNn.Core.Hardware;

/// <summary>The ratio and constraint one layer gets after the hardware-aware step.</summary>
/// <param name="LayerName">Weight (initializer) name.</param>
/// <param name="OpType">Conv, Gemm or MatMul.</param>
/// <param name="Weights">Weight count.</param>
/// <param name="RequestedRatio">What the policy asked for (1 = dense).</param>
/// <param name="BreakEvenRatio">The target's break-even for the chosen constraint kind.</param>
/// <param name="AdjustedRatio">What the compressor should use (1 = keep dense).</param>
/// <param name="ConstraintKind">The sparsity constraint kind to use (e.g. <c>block</c> on an FPGA).</param>
/// <param name="QuantizationHint">The target's preferred quantization kind (e.g. <c>ternary</c>), or null.</param>
/// <param name="Reason">One line for reports.</param>
public sealed record HardwareAwareDecision(
    string LayerName,
    string OpType,
    long Weights,
    double RequestedRatio,
    double BreakEvenRatio,
    double AdjustedRatio,
    string ConstraintKind,
    string? QuantizationHint,
    string Reason)
{
    /// <summary>True when the layer should stay dense.</summary>
    public bool KeepDense => AdjustedRatio <= 1.0;
}
