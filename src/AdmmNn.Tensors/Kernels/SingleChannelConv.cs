using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Forward 3×3 "same" convolution (stride 1, padding 1 on every side) of a single-channel image, for stems such as
/// resnet-small's 1→16 on 28×28. With one input channel the reduction is only the 9 taps, so the direct kernel's
/// 8-channel × 48-position tiles spend most of their time on staging, compaction and a separate epilogue pass. Here the
/// output plane is walked as one flat row of positions, 16 per vector: the image is copied once behind W + 1 zeros
/// (so the rows above and below the plane read zeros), the 9 tap vectors are loaded at fixed offsets from each
/// position (the left and right taps masked where they would wrap into the neighbouring row), and every output channel
/// is 9 FMAs on them, started at the bias, then + residual and clamp (the evaluation epilogue, in the order of
/// <see cref="ConvEpilogue.Apply"/>) and stored straight into its plane.
/// <para>
/// Each output is one chain of FMAs over the taps in row-major order started at the bias, the order of the direct
/// kernel and of the reference sum; an image's outputs depend on nothing but that image, so results are the same for
/// any thread count.
/// </para>
/// </summary>
internal static class SingleChannelConv
{
    /// <summary>True where the kernel runs (AVX-512 masked loads and stores).</summary>
    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>Whether the kernel computes this geometry: 3×3, stride 1, dilation 1, padding 1 on each side (output = input size).</summary>
    public static bool Supports(in ConvShape g) =>
        g.KernelH == 3 && g.KernelW == 3 && g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1 && g.DilationW == 1
        && g.PadTop == 1 && g.PadLeft == 1 && g.OutH == g.InH && g.OutW == g.InW && g.InH > 0 && g.InW > 0;

    /// <summary>Zeros before (and after) the image in the scratch copy: one row and one column.</summary>
    private static int Lead(in ConvShape g) => g.InW + 1;

    /// <summary>Floats of one worker's scratch: the image behind and before <see cref="Lead"/> zeros, plus a vector's overhang.</summary>
    public static int ScratchFloats(in ConvShape g) => (2 * Lead(g)) + (g.InH * g.InW) + 16;

    /// <summary>
    /// One image: <paramref name="y"/>[co, p] = clamp(bias[co] + Σ_taps w[co, tap]·x[p + tap] + residual[yOffset + co·HW + p]).
    /// <paramref name="w"/> holds Cout × 9 weights, <paramref name="bias"/> Cout values or is empty; <paramref name="yOffset"/>
    /// is y's index in the whole output (for the epilogue's residual).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Compute(in ConvShape g, int cout, ReadOnlySpan<float> image, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        Span<float> scratch, Span<float> y, int yOffset, ConvEpilogue epilogue)
    {
        int width = g.InW, plane = g.InH * width, lead = Lead(g);
        if (!Supports(g) || image.Length < plane || w.Length < cout * 9 || (!bias.IsEmpty && bias.Length < cout)
            || scratch.Length < ScratchFloats(g) || y.Length < cout * plane)
        {
            throw new ArgumentException("SingleChannelConv.Compute: unsupported geometry or a buffer smaller than the shape needs.");
        }

        float[]? residual = epilogue.Residual;
        if (residual is not null && (yOffset < 0 || (long)yOffset + cout * plane > residual.Length))
        {
            throw new ArgumentException("SingleChannelConv.Compute: the epilogue's residual is shorter than the output.");
        }

        scratch[..lead].Clear();
        image[..plane].CopyTo(scratch[lead..]);
        scratch.Slice(lead + plane, lead + 16).Clear();
        bool clamp = !float.IsNegativeInfinity(epilogue.Min) || !float.IsPositiveInfinity(epilogue.Max);
        var lo = Vector512.Create(epilogue.Min);
        var hi = Vector512.Create(epilogue.Max);
        var lane = Vector512<int>.Indices;
        var widthV = Vector512.Create(width);
        fixed (float* sp = scratch, wp = w, bp = bias, yp = y, rp = residual)
        {
            float* x = sp + lead;
            float* r = rp is null ? null : rp + yOffset;
            // Column of each lane's position, advanced by 16 per vector (wrapping by the row width).
            var column = lane;
            while (Vector512.GreaterThanOrEqualAny(column, widthV))
            {
                column = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(column, widthV), column - widthV, column);
            }

            for (int p = 0; p < plane; p += 16)
            {
                // The left tap of column 0 and the right tap of the last column are padding, not the neighbouring row.
                var left = Vector512.GreaterThan(column, Vector512<int>.Zero).AsSingle();
                var right = Vector512.LessThan(column, widthV - Vector512<int>.One).AsSingle();
                float* c = x + p;
                var x0 = Vector512.Load(c - width - 1) & left;
                var x1 = Vector512.Load(c - width);
                var x2 = Vector512.Load(c - width + 1) & right;
                var x3 = Vector512.Load(c - 1) & left;
                var x4 = Vector512.Load(c);
                var x5 = Vector512.Load(c + 1) & right;
                var x6 = Vector512.Load(c + width - 1) & left;
                var x7 = Vector512.Load(c + width);
                var x8 = Vector512.Load(c + width + 1) & right;
                var keep = Vector512.LessThan(lane, Vector512.Create(plane - p)).AsSingle();
                bool full = p + 16 <= plane;
                for (int co = 0; co < cout; co++)
                {
                    float* k = wp + co * 9;
                    var acc = bp is null ? Vector512<float>.Zero : Vector512.Create(bp[co]);
                    acc = Vector512.FusedMultiplyAdd(x0, Vector512.Create(k[0]), acc);
                    acc = Vector512.FusedMultiplyAdd(x1, Vector512.Create(k[1]), acc);
                    acc = Vector512.FusedMultiplyAdd(x2, Vector512.Create(k[2]), acc);
                    acc = Vector512.FusedMultiplyAdd(x3, Vector512.Create(k[3]), acc);
                    acc = Vector512.FusedMultiplyAdd(x4, Vector512.Create(k[4]), acc);
                    acc = Vector512.FusedMultiplyAdd(x5, Vector512.Create(k[5]), acc);
                    acc = Vector512.FusedMultiplyAdd(x6, Vector512.Create(k[6]), acc);
                    acc = Vector512.FusedMultiplyAdd(x7, Vector512.Create(k[7]), acc);
                    acc = Vector512.FusedMultiplyAdd(x8, Vector512.Create(k[8]), acc);
                    long at = (long)co * plane + p;
                    if (full)
                    {
                        if (r is not null)
                        {
                            acc += Vector512.Load(r + at);
                        }

                        if (clamp)
                        {
                            acc = Vector512.Min(Vector512.Max(acc, lo), hi);
                        }

                        acc.Store(yp + at);
                    }
                    else
                    {
                        if (r is not null)
                        {
                            acc += Avx512F.MaskLoad(r + at, keep, Vector512<float>.Zero);
                        }

                        if (clamp)
                        {
                            acc = Vector512.Min(Vector512.Max(acc, lo), hi);
                        }

                        Avx512F.MaskStore(yp + at, keep, acc);
                    }
                }

                column += Vector512.Create(16);
                while (Vector512.GreaterThanOrEqualAny(column, widthV))
                {
                    column = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(column, widthV), column - widthV, column);
                }
            }
        }
    }
}
