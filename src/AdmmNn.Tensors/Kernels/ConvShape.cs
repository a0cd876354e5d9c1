namespace AdmmNn.Tensors.Kernels;

/// <summary>Geometry of a 2-D sliding window (convolution or pooling) over one image plane.</summary>
internal readonly record struct ConvShape(
    int InH, int InW, int OutH, int OutW, int KernelH, int KernelW,
    int StrideH, int StrideW, int PadTop, int PadLeft, int DilationH, int DilationW);
