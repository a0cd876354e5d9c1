using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Evaluation-only 3×3 stride-2 pad-1 max pooling (resnet18's stem pool) on rows up to 32 wide: values only, no argmax.
/// The window is separable: each input row is reduced to one value per output column (columns 2·ow − 1, 2·ow, 2·ow + 1
/// taken from the even/odd lanes of the row by two-source permutes), then each output row takes rows 2·oh − 1, 2·oh and
/// 2·oh + 1 of those. The scalar loop (and <see cref="MaxPoolStride2"/>) takes the window's first valid value and replaces
/// it only with a strictly greater one: the result is NaN when that first value is NaN, else the first row-major maximum
/// of the non-NaN values. So each row keeps its first maximum with NaNs skipped (a NaN it starts with is replaced by any
/// later value), the rows are combined the same way, and the window's first value decides NaN at the end: ties of ±0
/// and NaNs give the scalar loop's bits.
/// </summary>
internal static class MaxPool3x3Stride2Values
{
    /// <summary>Widest input row handled (two <see cref="Vector512{T}"/>).</summary>
    public const int MaxWidth = 32;

    /// <summary>Whether <see cref="Forward"/> handles this geometry (floor-mode output sizes, so no window lies in the padding alone).</summary>
    public static bool Applies(in ConvShape g) =>
        Avx512F.IsSupported && g is { KernelH: 3, KernelW: 3, StrideH: 2, StrideW: 2, PadTop: 1, PadLeft: 1, DilationH: 1, DilationW: 1 }
        && g.InW <= MaxWidth && g.InH >= 1 && g.InW >= 1 && g.OutH == (g.InH - 1) / 2 + 1 && g.OutW == (g.InW - 1) / 2 + 1;

    [ThreadStatic]
    private static float[]? scratch;

    /// <summary>Pools one plane (g.InH × g.InW) into <paramref name="y"/> (g.OutH × g.OutW).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, in ConvShape g, Span<float> y)
    {
        int inH = g.InH, inW = g.InW, outH = g.OutH, outW = g.OutW;
        if (scratch is null || scratch.Length < inH * 32)
        {
            scratch = new float[inH * 32];
        }

        Span<float> rows = scratch; // per input row: 16 row maxima, then 16 first values
        if (x.Length < inH * inW || y.Length < outH * outW)
        {
            throw new ArgumentException("MaxPool3x3Stride2Values: buffers too small for the plane.");
        }

        // Lane j: even column 2j, odd column 2j + 1, previous odd column 2j − 1 (lane 0: column 0 itself, so the first
        // output's window starts at its first valid column and the "strictly greater" test leaves it in place).
        var evenIndex = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var oddIndex = evenIndex + Vector512<int>.One;
        var previousIndex = Vector512.Create(0, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29);
        Span<float> row = stackalloc float[MaxWidth];
        row.Fill(float.NegativeInfinity);
        ref float rowRef = ref row[0];
        for (int ih = 0; ih < inH; ih++)
        {
            x.Slice(ih * inW, inW).CopyTo(row); // columns past the row stay −∞: never strictly greater
            var lo = Vector512.LoadUnsafe(ref rowRef);
            var hi = Vector512.LoadUnsafe(ref rowRef, 16);
            var first = Avx512F.PermuteVar16x32x2(lo, previousIndex, hi);
            var best = Take(first, Avx512F.PermuteVar16x32x2(lo, evenIndex, hi));
            best = Take(best, Avx512F.PermuteVar16x32x2(lo, oddIndex, hi));
            best.StoreUnsafe(ref rows[ih * 32]);
            first.StoreUnsafe(ref rows[ih * 32 + 16]);
        }

        Span<float> outRow = stackalloc float[16];
        ref float outRef = ref outRow[0];
        for (int oh = 0; oh < outH; oh++)
        {
            int top = 2 * oh, start = oh == 0 ? 0 : top - 1;
            var best = Take(Vector512.LoadUnsafe(ref rows[start * 32]), Vector512.LoadUnsafe(ref rows[top * 32]));
            if (top + 1 < inH)
            {
                best = Take(best, Vector512.LoadUnsafe(ref rows[(top + 1) * 32]));
            }

            var first = Vector512.LoadUnsafe(ref rows[start * 32 + 16]);
            Vector512.ConditionalSelect(Vector512.IsNaN(first), first, best).StoreUnsafe(ref outRef);
            outRow[..outW].CopyTo(y.Slice(oh * outW, outW));
        }
    }

    /// <summary>The candidate where it is strictly greater than the best so far or the best is NaN (NaNs skipped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Take(Vector512<float> best, Vector512<float> candidate) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(candidate, best) | Vector512.IsNaN(best), candidate, best);
}
