using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Ops;

/// <summary>Sizes of one convolution for given input and weight shapes, and how the batch is cut into chunks.</summary>
internal sealed record ConvPlan(int[] InputShape, int[] WeightShape, ConvShape G, int N, int Cin, int Cout, int Cg, int CoutG, int Kg, int PerChunk)
{
    public int OutHW => G.OutH * G.OutW;

    public int InHW => G.InH * G.InW;

    /// <summary>One input channel per output channel (group = C = M): the direct depthwise kernel runs it.</summary>
    public bool IsDepthwise => Cg == 1 && CoutG == 1;

    /// <summary>1×1, stride 1, no padding: the image itself is the column matrix, so the direct path skips im2col.</summary>
    public bool IsPointwise => G.KernelH == 1 && G.KernelW == 1 && G.StrideH == 1 && G.StrideW == 1 && G.PadTop == 0 && G.PadLeft == 0 && G.OutH == G.InH && G.OutW == G.InW;

    public int Chunks => (N + PerChunk - 1) / PerChunk;

    /// <summary>
    /// Stride 1 with outputs the size of the inputs ("same" padding): the input gradient is then itself a stride-1
    /// convolution of dY with the flipped, transposed weights (<see cref="Transposed"/>), run as unfold + GEMM straight
    /// into dX instead of a K = M GEMM into columns and a fold.
    /// </summary>
    public bool IsAligned => G.StrideH == 1 && G.StrideW == 1 && G.OutH == G.InH && G.OutW == G.InW;

    /// <summary>Geometry of the input-gradient convolution over dY (valid when <see cref="IsAligned"/>).</summary>
    public ConvShape Transposed => new(G.OutH, G.OutW, G.InH, G.InW, G.KernelH, G.KernelW, 1, 1,
        (G.KernelH - 1) * G.DilationH - G.PadTop, (G.KernelW - 1) * G.DilationW - G.PadLeft, G.DilationH, G.DilationW);

    /// <summary>Rows of the input-gradient convolution's columns: CoutG·kh·kw.</summary>
    public int KgTransposed => CoutG * G.KernelH * G.KernelW;

    /// <summary>Floats of one worker's column buffer.</summary>
    public int ColSize => (IsAligned ? Math.Max(Kg, KgTransposed) : Kg) * PerChunk * OutHW;

    /// <summary>Floats of one worker's output staging buffer.</summary>
    public int OutChunkSize => (IsAligned ? Math.Max(CoutG, Cg) : CoutG) * PerChunk * OutHW;

    public (int Start, int Count) ChunkRange(int chunk)
    {
        int start = chunk * PerChunk;
        return (start, Math.Min(PerChunk, N - start));
    }
}
