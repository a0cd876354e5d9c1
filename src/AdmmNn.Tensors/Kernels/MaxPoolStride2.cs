using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Max pooling with horizontal stride 2 (resnet18's 3×3/2 pad-1 stem pool), any window height, width, vertical stride
/// and padding, undilated: each input row is split once into its even and odd columns, so every tap's candidates for
/// eight consecutive outputs are one contiguous vector load. Compares and selects are vector operations, without the
/// per-element branches that mispredict on real activations.
/// </summary>
/// <remarks>
/// The winner is the one the scalar loop picks: taps scanned in row-major order, the first valid pixel taken, then a
/// pixel replaces the best only when strictly greater (so ties keep the first, and a NaN wins only when it comes
/// first). Windows entirely in padding give 0 and index −1. Indices are relative to the plane.
/// </remarks>
internal static class MaxPoolStride2
{
    private const int Lanes = 8;

    [ThreadStatic]
    private static float[]? scratch;

    /// <summary>Whether <see cref="Forward"/> handles this geometry.</summary>
    public static bool Applies(in ConvShape g) =>
        g.StrideW == 2 && g.DilationH == 1 && g.DilationW == 1 && Vector256.IsHardwareAccelerated && g.KernelW <= 16 && g.PadLeft <= 16;

    /// <summary>Pools one plane (g.InH × g.InW) into <paramref name="y"/> (g.OutH × g.OutW) with argmax indices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, in ConvShape g, Span<float> y, Span<int> arg)
    {
        int inH = g.InH, inW = g.InW, outW = g.OutW, pl = g.PadLeft;
        // Tap kj reads column 2·ow + off (off = kj − pl): even columns 2·(ow + sh), odd ones 2·(ow + sh) + 1, sh = ⌊off/2⌋.
        int shMin = FloorHalf(-pl), shMax = FloorHalf(g.KernelW - 1 - pl);
        int margin = Math.Max(0, -shMin);
        int chunks = (outW + Lanes - 1) / Lanes;
        int stride = margin + Math.Max(chunks * Lanes + Math.Max(0, shMax), (inW + 1) / 2) + Lanes;
        int need = 2 * inH * stride;
        if (scratch is null || scratch.Length < need)
        {
            scratch = new float[need];
        }

        Span<float> even = scratch.AsSpan(0, inH * stride), odd = scratch.AsSpan(inH * stride, inH * stride);
        for (int ih = 0; ih < inH; ih++)
        {
            ReadOnlySpan<float> row = x.Slice(ih * inW, inW);
            Span<float> e = even.Slice(ih * stride + margin), o = odd.Slice(ih * stride + margin);
            for (int j = 0; 2 * j < inW; j++)
            {
                e[j] = row[2 * j];
            }

            for (int j = 0; 2 * j + 1 < inW; j++)
            {
                o[j] = row[2 * j + 1];
            }
        }

        Span<float> outValues = stackalloc float[Lanes];
        Span<int> outIndices = stackalloc int[Lanes];
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var width = Vector256.Create(inW);
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int hs = oh * g.StrideH - g.PadTop;
            for (int c = 0; c < chunks; c++)
            {
                int ow0 = c * Lanes;
                var ow = lane + Vector256.Create(ow0);
                var inside = Vector256.LessThan(ow, Vector256.Create(outW));
                var best = Vector256<float>.Zero;
                var bestIndex = Vector256.Create(-1);
                for (int ki = 0; ki < g.KernelH; ki++)
                {
                    int ih = hs + ki;
                    if ((uint)ih >= (uint)inH)
                    {
                        continue;
                    }

                    for (int kj = 0; kj < g.KernelW; kj++)
                    {
                        int off = kj - pl, sh = FloorHalf(off);
                        Span<float> source = (off & 1) == 0 ? even : odd;
                        var candidate = Vector256.LoadUnsafe(ref source[ih * stride + margin + ow0 + sh]);
                        var column = ow + ow + Vector256.Create(off);
                        var valid = inside & Vector256.GreaterThanOrEqual(column, Vector256<int>.Zero) & Vector256.LessThan(column, width);
                        var take = valid & (Vector256.LessThan(bestIndex, Vector256<int>.Zero) | Vector256.GreaterThan(candidate, best).AsInt32());
                        best = Vector256.ConditionalSelect(take.AsSingle(), candidate, best);
                        bestIndex = Vector256.ConditionalSelect(take, column + Vector256.Create(ih * inW), bestIndex);
                    }
                }

                best = Vector256.ConditionalSelect(Vector256.LessThan(bestIndex, Vector256<int>.Zero).AsSingle(), Vector256<float>.Zero, best);
                best.CopyTo(outValues);
                bestIndex.CopyTo(outIndices);
                int count = Math.Min(Lanes, outW - ow0);
                outValues[..count].CopyTo(y.Slice(oh * outW + ow0, count));
                outIndices[..count].CopyTo(arg.Slice(oh * outW + ow0, count));
            }
        }
    }

    private static int FloorHalf(int v) => v >> 1;
}
