using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Software prefetch spread over a kernel's compute: a kernel that will next read a region from memory (the next image,
/// a residual) asks for one share of its cache lines per unit of work, so the region streams into L2 while the FMAs
/// run instead of stalling the pass that reads it. L2, not L1: the kernels' working buffers fill L1. resnet-small
/// inference, one thread (<c>cnn-profile resnet-small 256 3 --infer --by-layer --threads 1</c>, three pairs, load 2.7–4.1):
/// 29.3–30.2 → 26.0–27.6 CPU ms per 256 images, every convolution but the stem cheaper.
/// </summary>
internal static class CachePrefetch
{

    /// <summary>Prefetches share <paramref name="part"/> of <paramref name="parts"/> of the cache lines of [<paramref name="start"/>, + <paramref name="floats"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Share(float* start, int floats, int part, int parts)
    {
        if (!Sse.IsSupported || floats <= 0)
        {
            return;
        }

        long lines = (floats + 15) / 16;
        for (long l = lines * part / parts, end = lines * (part + 1) / parts; l < end; l++)
        {
            Sse.Prefetch1(start + l * 16);
        }
    }
}
