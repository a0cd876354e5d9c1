using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Splits a zero-padded image plane into its stride phases (<see cref="DepthwiseConv.PhaseExtent"/>): phase (a, b) holds
/// padded pixels (i·sh + a, j·sw + b) at i·PhaseWidth + j, so every tap of a strided window reads one contiguous run.
/// The direct and depthwise kernels prepare every image this way, so it is on the inference path of every stride-2
/// convolution: each phase row is written once, whole (zeros where it lies in the padding), from a zero-padded copy of
/// its input row, sixteen columns per even/odd permute, instead of clearing the phases and gathering each row's valid
/// columns with per-row bounds work (which cost about a third of a 3×3 stride-2 layer's time at 16 channels).
/// </summary>
internal static class StridePhases
{
    /// <summary>Writes the zero-padded plane <paramref name="x"/> as its sh·sw stride phases (phase (a, b) at index a·sw + b).</summary>
    public static void Split(ReadOnlySpan<float> x, in ConvShape g, Span<float> phases, int phaseRows, int phaseWidth)
    {
        if (g.StrideW > 2 || !Avx512F.IsSupported)
        {
            SplitGeneral(x, g, phases, phaseRows, phaseWidth);
            return;
        }

        if (phases.Length < g.StrideH * g.StrideW * phaseRows * phaseWidth || x.Length < g.InH * g.InW)
        {
            throw new ArgumentException("StridePhases.Split: a buffer is smaller than the shape needs.");
        }

        SplitRows(x, g, phases, phaseRows, phaseWidth);
    }

    /// <summary>
    /// The fast path: each phase row is built in registers from masked loads of its input row (lanes in the padding load
    /// zero and never touch memory), one permute per sixteen columns at stride 2, and stored whole.
    /// </summary>
    private static unsafe void SplitRows(ReadOnlySpan<float> x, in ConvShape g, Span<float> phases, int phaseRows, int phaseWidth)
    {
        int sh = g.StrideH, sw = g.StrideW, phaseSize = phaseRows * phaseWidth, padLeft = g.PadLeft, inW = g.InW;
        int chunks = (phaseWidth + 15) / 16, rest = phaseWidth - 16 * (chunks - 1);
        var restMask = LaneMask.Inside(0, rest);
        var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odds = evens + Vector512<int>.One;
        fixed (float* xp = x, pp = phases)
        {
            for (int r = 0; r < phaseRows * sh; r++)
            {
                int ih = r - g.PadTop;
                float* phaseRow = pp + (nint)(r % sh * sw * phaseSize + r / sh * phaseWidth);
                if (ih < 0 || ih >= g.InH)
                {
                    for (int b = 0; b < sw; b++)
                    {
                        new Span<float>(phaseRow + (nint)b * phaseSize, phaseWidth).Clear();
                    }

                    continue;
                }

                // Padded column q of this row is input column q − padLeft; the load at q0 covers q0 … q0 + 15.
                float* inputRow = xp + (nint)ih * inW - padLeft;
                for (int c = 0; c < chunks; c++)
                {
                    var store = c == chunks - 1 ? restMask : Vector512<float>.AllBitsSet;
                    int q0 = 16 * sw * c;
                    var low = Avx512F.MaskLoad(inputRow + q0, LaneMask.Inside(q0 - padLeft, inW), Vector512<float>.Zero);
                    if (sw == 1)
                    {
                        Avx512F.MaskStore(phaseRow + 16 * c, store, low);
                        continue;
                    }

                    var high = Avx512F.MaskLoad(inputRow + q0 + 16, LaneMask.Inside(q0 + 16 - padLeft, inW), Vector512<float>.Zero);
                    Avx512F.MaskStore(phaseRow + 16 * c, store, Avx512F.PermuteVar16x32x2(low, evens, high));
                    Avx512F.MaskStore(phaseRow + phaseSize + 16 * c, store, Avx512F.PermuteVar16x32x2(low, odds, high));
                }
            }
        }
    }

    /// <summary>Any stride: clears the phases, then gathers each input row's columns into the phases they fall in.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void SplitGeneral(ReadOnlySpan<float> x, in ConvShape g, Span<float> phases, int phaseRows, int phaseWidth)
    {
        phases.Clear();
        int sh = g.StrideH, sw = g.StrideW, phaseSize = phaseRows * phaseWidth;
        int rows = phaseRows * sh, width = phaseWidth * sw;
        int q0 = g.PadLeft, q1 = Math.Min(width, g.PadLeft + g.InW);
        if (q1 <= q0)
        {
            return;
        }

        for (int ih = 0; ih < g.InH; ih++)
        {
            int r = ih + g.PadTop;
            if (r >= rows)
            {
                break;
            }

            ReadOnlySpan<float> src = x.Slice(ih * g.InW, g.InW);
            int rowBase = r % sh * sw * phaseSize + r / sh * phaseWidth;
            if (sw == 1)
            {
                src[..(q1 - q0)].CopyTo(phases.Slice(rowBase + q0, q1 - q0));
                continue;
            }

            // Phase b holds padded columns b, b + sw, …: those inside the input are j in [jLo, jHi), read from
            // src[j·sw + b − q0].
            for (int b = 0; b < sw; b++)
            {
                int jLo = Math.Max(0, (q0 - b + sw - 1) / sw), jHi = Math.Min(phaseWidth, (q1 - b + sw - 1) / sw);
                if (jHi > jLo)
                {
                    DepthwiseConv.GatherStrided(x, ih * g.InW + jLo * sw + b - q0, sw, phases[(rowBase + b * phaseSize + jLo)..], jHi - jLo);
                }
            }
        }
    }
}
