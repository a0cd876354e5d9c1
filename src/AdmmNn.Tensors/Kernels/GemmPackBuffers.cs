using System.Runtime.InteropServices;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// One thread's packing buffers, allocated once (native, 64-byte aligned) and grown only when a larger block is needed,
/// so GEMM calls allocate nothing in steady state. Freed when the owning thread's instance is collected.
/// </summary>
internal sealed unsafe class GemmPackBuffers
{
    private float* a;
    private long aLength;
    private float* b;
    private long bLength;

    ~GemmPackBuffers()
    {
        NativeMemory.AlignedFree(a);
        NativeMemory.AlignedFree(b);
    }

    public float* A(long length) => Ensure(ref a, ref aLength, length);

    public float* B(long length) => Ensure(ref b, ref bLength, length);

    private static float* Ensure(ref float* buffer, ref long current, long length)
    {
        if (length > current)
        {
            NativeMemory.AlignedFree(buffer);
            buffer = null;
            current = 0;
            buffer = (float*)NativeMemory.AlignedAlloc((nuint)(length * sizeof(float)), 64);
            current = length;
        }

        return buffer;
    }
}
