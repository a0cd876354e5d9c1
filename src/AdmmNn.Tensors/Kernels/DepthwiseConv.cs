using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Direct depthwise convolution (one input channel per output channel), one image plane at a time. The input plane is
/// first copied into a zero-padded scratch plane covering exactly the window extent (split into stride phases in the
/// forward pass), so no tap needs edge checks and each tap is one contiguous multiply-add over the whole plane (outputs
/// kept at the padded row width and compacted at the end). Summation orders depend only on the shape, so results are
/// reproducible.
/// </summary>
internal static class DepthwiseConv
{
    /// <summary>Rows and row width of the padded scratch plane for <paramref name="g"/>.</summary>
    public static (int Rows, int Width) PaddedExtent(in ConvShape g) =>
        ((g.OutH - 1) * g.StrideH + (g.KernelH - 1) * g.DilationH + 1, (g.OutW - 1) * g.StrideW + (g.KernelW - 1) * g.DilationW + 1);

    /// <summary>
    /// Rows and row width of one stride phase of the padded plane: phase (a, b) holds padded pixels (i·sh + a, j·sw + b),
    /// so with any stride each tap reads one contiguous window of one phase.
    /// </summary>
    public static (int Rows, int Width) PhaseExtent(in ConvShape g)
    {
        var (rows, width) = PaddedExtent(g);
        return ((rows + g.StrideH - 1) / g.StrideH, (width + g.StrideW - 1) / g.StrideW);
    }

    /// <summary>Floats of scratch one worker needs for <see cref="Forward"/> and <see cref="Backward"/>.</summary>
    public static int ScratchSize(in ConvShape g)
    {
        var (rows, width) = PaddedExtent(g);
        var (phaseRows, phaseWidth) = PhaseExtent(g);
        int forward = g.StrideH * g.StrideW * phaseRows * phaseWidth + g.OutH * phaseWidth;
        return Math.Max(forward, 2 * rows * width + g.OutH * width);
    }

    /// <summary>
    /// y = depthwise conv of plane <paramref name="x"/> with taps <paramref name="w"/> (kh·kw) plus <paramref name="bias"/>.
    /// The padded input is split into its stride phases, so every tap, at any stride, is one contiguous multiply-add over
    /// the whole output (kept at the phase row width and compacted at the end).
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, in ConvShape g, ReadOnlySpan<float> w, float bias, Span<float> y, Span<float> scratch)
    {
        var (phaseRows, phaseWidth) = PhaseExtent(g);
        int sh = g.StrideH, sw = g.StrideW, phaseSize = phaseRows * phaseWidth;
        Span<float> phases = scratch[..(sh * sw * phaseSize)];
        StridePhases.Split(x, g, phases, phaseRows, phaseWidth);
        Span<float> acc = scratch.Slice(sh * sw * phaseSize, g.OutH * phaseWidth);
        int length = (g.OutH - 1) * phaseWidth + g.OutW;
        acc[..length].Clear();
        for (int ki = 0; ki < g.KernelH; ki++)
        {
            int r = ki * g.DilationH;
            for (int kj = 0; kj < g.KernelW; kj++)
            {
                int q = kj * g.DilationW;
                int off = (r % sh * sw + q % sw) * phaseSize + r / sh * phaseWidth + q / sw;
                TensorPrimitives.MultiplyAdd(phases.Slice(off, length), w[ki * g.KernelW + kj], acc[..length], acc[..length]);
            }
        }

        for (int oh = 0; oh < g.OutH; oh++)
        {
            TensorPrimitives.Add(acc.Slice(oh * phaseWidth, g.OutW), bias, y.Slice(oh * g.OutW, g.OutW));
        }
    }

    /// <summary>
    /// dst[j] = x[start + j·stride] for j &lt; <paramref name="count"/>; with stride 2, sixteen at a time by an even/odd
    /// permute of 32 loaded floats (the load may run into the next row but stays inside <paramref name="x"/>; a short
    /// tail is blended into dst's existing values, so <paramref name="dst"/> may be longer than count and keeps the rest).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void GatherStrided(ReadOnlySpan<float> x, int start, int stride, Span<float> dst, int count)
    {
        int j = 0;
        if (stride == 2 && Avx512F.IsSupported)
        {
            var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            for (; j < count && start + j * 2 + 32 <= x.Length && j + 16 <= dst.Length; j += 16)
            {
                ref float from = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), start + j * 2);
                var gathered = Avx512F.PermuteVar16x32x2(Vector512.LoadUnsafe(ref from), evens, Vector512.LoadUnsafe(ref from, 16));
                ref float to = ref MemoryMarshal.GetReference(dst);
                if (j + 16 > count)
                {
                    var keep = LaneMask.Inside(0, count - j);
                    gathered = Vector512.ConditionalSelect(keep, gathered, Vector512.LoadUnsafe(ref to, (nuint)j));
                }

                gathered.StoreUnsafe(ref to, (nuint)j);
            }
        }

        for (; j < count; j++)
        {
            dst[j] = x[start + j * stride];
        }
    }

    /// <summary>
    /// Adds this plane's weight gradient into <paramref name="dw"/> (kh·kw) and, when <paramref name="dx"/> is not empty,
    /// its input gradient into <paramref name="dx"/>; returns Σ dy (the bias gradient).
    /// </summary>
    public static float Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, in ConvShape g, ReadOnlySpan<float> w, Span<float> dw, Span<float> dx, Span<float> scratch)
    {
        var (rows, width) = PaddedExtent(g);
        Span<float> xp = scratch[..(rows * width)];
        Span<float> dxp = scratch.Slice(rows * width, rows * width);
        Pad(x, g, xp, rows, width);
        bool wantDx = !dx.IsEmpty;
        if (wantDx)
        {
            dxp.Clear();
        }

        if (g.StrideH == 1 && g.StrideW == 1)
        {
            // dY at the padded row width, zeros in the extra columns, so every tap is one contiguous dot / multiply-add.
            Span<float> dyp = scratch.Slice(2 * rows * width, g.OutH * width);
            int length = (g.OutH - 1) * width + g.OutW;
            for (int oh = 0; oh < g.OutH; oh++)
            {
                dy.Slice(oh * g.OutW, g.OutW).CopyTo(dyp.Slice(oh * width, g.OutW));
                if (oh < g.OutH - 1)
                {
                    dyp.Slice(oh * width + g.OutW, width - g.OutW).Clear();
                }
            }

            for (int ki = 0; ki < g.KernelH; ki++)
            {
                for (int kj = 0; kj < g.KernelW; kj++)
                {
                    int off = ki * g.DilationH * width + kj * g.DilationW, tap = ki * g.KernelW + kj;
                    dw[tap] += TensorPrimitives.Dot(dyp[..length], xp.Slice(off, length));
                    if (wantDx)
                    {
                        TensorPrimitives.MultiplyAdd(dyp[..length], w[tap], dxp.Slice(off, length), dxp.Slice(off, length));
                    }
                }
            }
        }
        else
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ki = 0; ki < g.KernelH; ki++)
                {
                    int rowOff = (oh * g.StrideH + ki * g.DilationH) * width;
                    for (int kj = 0; kj < g.KernelW; kj++)
                    {
                        int tap = ki * g.KernelW + kj, q = rowOff + kj * g.DilationW;
                        float wv = w[tap], sum = 0f;
                        for (int ow = 0; ow < g.OutW; ow++, q += g.StrideW)
                        {
                            float gv = dy[oh * g.OutW + ow];
                            sum += gv * xp[q];
                            if (wantDx)
                            {
                                dxp[q] += wv * gv;
                            }
                        }

                        dw[tap] += sum;
                    }
                }
            }
        }

        if (wantDx)
        {
            Unpad(dxp, g, dx, rows, width);
        }

        return TensorPrimitives.Sum(dy[..(g.OutH * g.OutW)]);
    }

    /// <summary>Copies the input plane into the padded extent (row r, column q ↔ input (r − pt, q − pl)); the rest is 0.</summary>
    private static void Pad(ReadOnlySpan<float> x, in ConvShape g, Span<float> xp, int rows, int width)
    {
        xp.Clear();
        var (r0, r1, q0, count) = Overlap(g, rows, width);
        for (int r = r0; r < r1; r++)
        {
            x.Slice((r - g.PadTop) * g.InW, count).CopyTo(xp.Slice(r * width + q0, count));
        }
    }

    /// <summary>Adds the padded-extent gradient back onto the input plane's gradient (the adjoint of <see cref="Pad"/>).</summary>
    private static void Unpad(ReadOnlySpan<float> dxp, in ConvShape g, Span<float> dx, int rows, int width)
    {
        var (r0, r1, q0, count) = Overlap(g, rows, width);
        for (int r = r0; r < r1; r++)
        {
            Span<float> d = dx.Slice((r - g.PadTop) * g.InW, count);
            TensorPrimitives.Add(d, dxp.Slice(r * width + q0, count), d);
        }
    }

    /// <summary>Padded rows [r0, r1) and columns [q0, q0 + count) that hold input pixels (pads are never negative).</summary>
    private static (int R0, int R1, int Q0, int Count) Overlap(in ConvShape g, int rows, int width)
    {
        int count = Math.Max(0, Math.Min(width - g.PadLeft, g.InW));
        int r0 = Math.Min(g.PadTop, rows), r1 = count == 0 ? r0 : Math.Min(rows, g.PadTop + g.InH);
        return (r0, r1, g.PadLeft, count);
    }
}
