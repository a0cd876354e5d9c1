namespace AdmmNn.Tensors.Ops;

/// <summary>The forward kernel of a non-grouped convolution (benchmarks and tests force one; the engine uses Auto).</summary>
internal enum ConvAlgorithm
{
    /// <summary>Chosen per shape by <see cref="ConvAlgorithmRule"/>.</summary>
    Auto,

    /// <summary>im2col (or the image itself for 1×1) + GEMM.</summary>
    Im2Col,

    /// <summary><see cref="Kernels.DirectConv"/> wherever it is supported.</summary>
    Direct,

    /// <summary><see cref="Kernels.WinogradConv"/> F(4×4, 3×3) wherever it is supported (3×3 stride 1), else as Auto.</summary>
    Winograd,

    /// <summary>As <see cref="Auto"/> but never Winograd: the rule before its Winograd clause, for A/B runs (<c>ADMMNN_CONV=autowithoutwinograd</c>).</summary>
    AutoWithoutWinograd,
}
