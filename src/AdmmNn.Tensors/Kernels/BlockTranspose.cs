using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Matrix transpose between planar (channels × positions) and channels-last (positions × channels) layouts for the
/// kernels vectorized over output channels: 16 × 16 blocks transposed in registers (four rounds of <c>vpermt2ps</c>),
/// partial blocks by scalars.
/// </summary>
internal static class BlockTranspose
{
    private static readonly int[] Indices = BuildIndices();

    /// <summary>dst[c·rows + r] = src[r·cols + c] (or += with <paramref name="add"/>) for a rows × cols source.</summary>
    public static unsafe void Run(ReadOnlySpan<float> src, int rows, int cols, Span<float> dst, bool add)
    {
        if (src.Length < rows * cols || dst.Length < rows * cols)
        {
            throw new ArgumentException("BlockTranspose.Run: the buffers must hold rows × cols floats.");
        }

        int rMain = Avx512F.IsSupported ? rows / 16 * 16 : 0, cMain = Avx512F.IsSupported ? cols / 16 * 16 : 0;
        fixed (float* s = src, d = dst)
        {
            for (int r0 = 0; r0 < rMain; r0 += 16)
            {
                for (int c0 = 0; c0 < cMain; c0 += 16)
                {
                    Transpose16(s + (nint)r0 * cols + c0, cols, d + (nint)c0 * rows + r0, rows, add);
                }
            }

            for (int r = 0; r < rows; r++)
            {
                for (int c = r < rMain ? cMain : 0; c < cols; c++)
                {
                    float v = s[(nint)r * cols + c];
                    d[(nint)c * rows + r] = add ? d[(nint)c * rows + r] + v : v;
                }
            }
        }
    }

    /// <summary>For each round h = 8, 4, 2, 1: the vpermt2ps indices of the lower and of the upper row of a pair.</summary>
    private static int[] BuildIndices()
    {
        var indices = new int[4 * 2 * 16];
        int at = 0;
        foreach (int h in (int[])[8, 4, 2, 1])
        {
            for (int c = 0; c < 16; c++)
            {
                indices[at + c] = (c & h) == 0 ? c : 16 + c - h;
                indices[at + 16 + c] = (c & h) == 0 ? c + h : 16 + c;
            }

            at += 32;
        }

        return indices;
    }

    /// <summary>Row r of the 16 × 16 source block becomes column r of the destination block (added to it with <paramref name="add"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Transpose16(float* src, int srcStride, float* dst, int dstStride, bool add)
    {
        Span<Vector512<float>> rows = stackalloc Vector512<float>[16];
        for (int r = 0; r < 16; r++)
        {
            rows[r] = Vector512.Load(src + (nint)r * srcStride);
        }

        fixed (int* ip = Indices)
        {
            int round = 0;
            for (int h = 8; h >= 1; h >>= 1, round++)
            {
                var lo = Vector512.Load(ip + round * 32);
                var hi = Vector512.Load(ip + round * 32 + 16);
                for (int i = 0; i < 16; i++)
                {
                    if ((i & h) != 0)
                    {
                        continue;
                    }

                    var a = rows[i];
                    var b = rows[i + h];
                    rows[i] = Avx512F.PermuteVar16x32x2(a, lo, b);
                    rows[i + h] = Avx512F.PermuteVar16x32x2(a, hi, b);
                }
            }
        }

        for (int r = 0; r < 16; r++)
        {
            float* at = dst + (nint)r * dstStride;
            (add ? rows[r] + Vector512.Load(at) : rows[r]).Store(at);
        }
    }
}
