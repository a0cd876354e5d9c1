using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Ops;

/// <summary>Sizes of one convolution for given input and weight shapes, and how the batch is cut into chunks.</summary>
internal sealed record ConvPlan(int[] InputShape, int[] WeightShape, ConvShape G, int N, int Cin, int Cout, int Cg, int CoutG, int Kg, int PerChunk)
{
    public int OutHW => G.OutH * G.OutW;

    public int InHW => G.InH * G.InW;

    /// <summary>One input channel per output channel (group = C = M): the direct depthwise kernel runs it.</summary>
    public bool IsDepthwise => Cg == 1 && CoutG == 1;

    public int Chunks => (N + PerChunk - 1) / PerChunk;

    /// <summary>Floats of one worker's column buffer.</summary>
    public int ColSize => Kg * PerChunk * OutHW;

    /// <summary>Floats of one worker's output staging buffer.</summary>
    public int OutChunkSize => CoutG * PerChunk * OutHW;

    public (int Start, int Count) ChunkRange(int chunk)
    {
        int start = chunk * PerChunk;
        return (start, Math.Min(PerChunk, N - start));
    }
}
