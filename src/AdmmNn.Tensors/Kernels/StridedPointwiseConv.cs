using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// 1×1 convolutions with stride &gt; 1 and no padding (ResNet projection shortcuts, resnet-small's 16→32 at 28² → 14² and
/// 32→64 at 14² → 7²), evaluation forward: the image is subsampled once into a Cin × P buffer (P = OH·OW rounded up to
/// 16), then 8 output channels × 64 positions (four <see cref="Vector512{T}"/> per channel, 32 accumulators) are
/// accumulated over the input channels in order, started at the bias, and written straight into y. Every output is the
/// same sum in the same order whatever tile computes it, so results do not depend on the work split. im2col + GEMM ran
/// these at 23–44 GFLOP/CPU-s (K = Cin of 16–32 is too short for the packed GEMM to pay its packing).
/// </summary>
internal static class StridedPointwiseConv
{
    /// <summary>Output channels per register tile.</summary>
    public const int ChannelBlock = 8;

    private const int Lanes = 16;

    /// <summary>Whether the kernel runs on this CPU.</summary>
    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    /// <summary>1×1, stride &gt; 1 in either direction, no padding, undilated.</summary>
    public static bool Supports(in ConvShape g) =>
        g.KernelH == 1 && g.KernelW == 1 && (g.StrideH > 1 || g.StrideW > 1) && g.PadTop == 0 && g.PadLeft == 0
        && (g.OutH - 1) * g.StrideH < g.InH && (g.OutW - 1) * g.StrideW < g.InW;

    /// <summary>Positions per image, rounded up to whole vectors.</summary>
    public static int PaddedPositions(in ConvShape g) => (g.OutH * g.OutW + Lanes - 1) / Lanes * Lanes;

    /// <summary>Floats of the scratch <see cref="Compute"/> needs: per input channel the padded positions plus one vector of slack.</summary>
    public static int ScratchFloats(in ConvShape g, int cin) => cin * (PaddedPositions(g) + Lanes);

    /// <summary>Floats of the packed weights for <paramref name="cout"/> × <paramref name="cin"/>.</summary>
    public static int PackedWeightFloats(int cin, int cout) => (cout + ChannelBlock - 1) / ChannelBlock * ChannelBlock * cin;

    /// <summary>Packs W[co, ci] as [channel block][ci][8] (channels past <paramref name="cout"/> zero) and the bias per channel (zero when null).</summary>
    public static void PackWeights(int cin, int cout, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> packed, Span<float> packedBias)
    {
        int blocks = (cout + ChannelBlock - 1) / ChannelBlock;
        for (int b = 0; b < blocks; b++)
        {
            for (int ci = 0; ci < cin; ci++)
            {
                for (int j = 0; j < ChannelBlock; j++)
                {
                    int co = b * ChannelBlock + j;
                    packed[(b * cin + ci) * ChannelBlock + j] = co < cout ? w[co * cin + ci] : 0f;
                }
            }
        }

        for (int co = 0; co < blocks * ChannelBlock; co++)
        {
            packedBias[co] = co < cout && !bias.IsEmpty ? bias[co] : 0f;
        }
    }

    /// <summary>
    /// One image: <paramref name="x"/> (Cin × InH × InW) into <paramref name="y"/> (Cout × OH × OW); <paramref name="scratch"/>
    /// holds Cin × <see cref="PaddedPositions"/> floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(in ConvShape g, int cin, int cout, ReadOnlySpan<float> x, ReadOnlySpan<float> packed, ReadOnlySpan<float> packedBias,
        Span<float> scratch, Span<float> y)
    {
        int p = PaddedPositions(g), ohw = g.OutH * g.OutW, inHW = g.InH * g.InW, stride = p + Lanes;
        if (x.Length < cin * inHW || y.Length < cout * ohw || scratch.Length < ScratchFloats(g, cin) || packed.Length < PackedWeightFloats(cin, cout))
        {
            throw new ArgumentException("StridedPointwiseConv: buffers too small for the shape.");
        }

        // Horizontal stride 2 on rows up to 32 wide: the even columns of a row are one two-source permute (16 lanes
        // stored, the ones past the row overwritten by the next row or landing in the slack).
        bool evenColumns = g.StrideW == 2 && g.InW <= 2 * Lanes && g.OutW <= Lanes && Avx512F.IsSupported;
        var evenIndex = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Span<float> rowCopy = stackalloc float[2 * Lanes];
        for (int ci = 0; ci < cin; ci++)
        {
            ReadOnlySpan<float> plane = x.Slice(ci * inHW, inHW);
            Span<float> dst = scratch.Slice(ci * stride, stride);
            int k = 0;
            for (int oh = 0; oh < g.OutH; oh++)
            {
                int at = ci * inHW + oh * g.StrideH * g.InW;
                if (evenColumns)
                {
                    ReadOnlySpan<float> source = at + 2 * Lanes <= x.Length ? x.Slice(at, 2 * Lanes) : CopyRow(x.Slice(at, g.InW), rowCopy);
                    ref float sr = ref MemoryMarshal.GetReference(source);
                    Avx512F.PermuteVar16x32x2(Vector512.LoadUnsafe(ref sr), evenIndex, Vector512.LoadUnsafe(ref sr, Lanes)).StoreUnsafe(ref dst[k]);
                    k += g.OutW;
                    continue;
                }

                ReadOnlySpan<float> row = plane.Slice(oh * g.StrideH * g.InW, g.InW);
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    dst[k++] = row[ow * g.StrideW];
                }
            }

            dst[k..p].Clear();
        }

        ref float xs = ref MemoryMarshal.GetReference(scratch);
        ref float wr = ref MemoryMarshal.GetReference(packed);
        Span<float> tail = stackalloc float[Lanes];
        Span<Vector512<float>> acc = stackalloc Vector512<float>[ChannelBlock * 4];
        int blocks = (cout + ChannelBlock - 1) / ChannelBlock;
        for (int b = 0; b < blocks; b++)
        {
            int channels = Math.Min(ChannelBlock, cout - b * ChannelBlock);
            ref float wb = ref Unsafe.Add(ref wr, b * cin * ChannelBlock);
            for (int p0 = 0; p0 < p; p0 += 4 * Lanes)
            {
                int vectors = Math.Min(4, (p - p0) / Lanes);
                for (int j = 0; j < ChannelBlock; j++)
                {
                    var start = Vector512.Create(packedBias[b * ChannelBlock + j]);
                    for (int v = 0; v < 4; v++)
                    {
                        acc[j * 4 + v] = start;
                    }
                }

                if (vectors == 4)
                {
                    Accumulate4(ref Unsafe.Add(ref xs, p0), stride, ref wb, cin, acc);
                }
                else
                {
                    for (int ci = 0; ci < cin; ci++)
                    {
                        ref float xr = ref Unsafe.Add(ref xs, ci * stride + p0);
                        for (int v = 0; v < vectors; v++)
                        {
                            var xv = Vector512.LoadUnsafe(ref xr, (nuint)(v * Lanes));
                            for (int j = 0; j < ChannelBlock; j++)
                            {
                                acc[j * 4 + v] = Vector512.FusedMultiplyAdd(xv, Vector512.Create(Unsafe.Add(ref wb, ci * ChannelBlock + j)), acc[j * 4 + v]);
                            }
                        }
                    }
                }

                for (int j = 0; j < channels; j++)
                {
                    Span<float> yr = y.Slice((b * ChannelBlock + j) * ohw, ohw);
                    for (int v = 0; v < vectors; v++)
                    {
                        int at = p0 + v * Lanes;
                        if (at + Lanes <= ohw)
                        {
                            acc[j * 4 + v].StoreUnsafe(ref yr[at]);
                        }
                        else if (at < ohw)
                        {
                            acc[j * 4 + v].StoreUnsafe(ref tail[0]);
                            tail[..(ohw - at)].CopyTo(yr[at..]);
                        }
                    }
                }
            }
        }
    }

    private static ReadOnlySpan<float> CopyRow(ReadOnlySpan<float> row, Span<float> copy)
    {
        row.CopyTo(copy);
        return copy;
    }

    /// <summary>The full 8 × 64 tile: 32 accumulators in registers, 4 loads and 8 broadcasts per input channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate4(ref float x, int p, ref float w, int cin, Span<Vector512<float>> acc)
    {
        Vector512<float> a00 = acc[0], a01 = acc[1], a02 = acc[2], a03 = acc[3], a10 = acc[4], a11 = acc[5], a12 = acc[6], a13 = acc[7];
        Vector512<float> a20 = acc[8], a21 = acc[9], a22 = acc[10], a23 = acc[11], a30 = acc[12], a31 = acc[13], a32 = acc[14], a33 = acc[15];
        Vector512<float> a40 = acc[16], a41 = acc[17], a42 = acc[18], a43 = acc[19], a50 = acc[20], a51 = acc[21], a52 = acc[22], a53 = acc[23];
        Vector512<float> a60 = acc[24], a61 = acc[25], a62 = acc[26], a63 = acc[27], a70 = acc[28], a71 = acc[29], a72 = acc[30], a73 = acc[31];
        for (int ci = 0; ci < cin; ci++)
        {
            ref float xr = ref Unsafe.Add(ref x, ci * p);
            var x0 = Vector512.LoadUnsafe(ref xr);
            var x1 = Vector512.LoadUnsafe(ref xr, 16);
            var x2 = Vector512.LoadUnsafe(ref xr, 32);
            var x3 = Vector512.LoadUnsafe(ref xr, 48);
            ref float wr = ref Unsafe.Add(ref w, ci * ChannelBlock);
            var w0 = Vector512.Create(wr);
            a00 = Vector512.FusedMultiplyAdd(x0, w0, a00); a01 = Vector512.FusedMultiplyAdd(x1, w0, a01); a02 = Vector512.FusedMultiplyAdd(x2, w0, a02); a03 = Vector512.FusedMultiplyAdd(x3, w0, a03);
            var w1 = Vector512.Create(Unsafe.Add(ref wr, 1));
            a10 = Vector512.FusedMultiplyAdd(x0, w1, a10); a11 = Vector512.FusedMultiplyAdd(x1, w1, a11); a12 = Vector512.FusedMultiplyAdd(x2, w1, a12); a13 = Vector512.FusedMultiplyAdd(x3, w1, a13);
            var w2 = Vector512.Create(Unsafe.Add(ref wr, 2));
            a20 = Vector512.FusedMultiplyAdd(x0, w2, a20); a21 = Vector512.FusedMultiplyAdd(x1, w2, a21); a22 = Vector512.FusedMultiplyAdd(x2, w2, a22); a23 = Vector512.FusedMultiplyAdd(x3, w2, a23);
            var w3 = Vector512.Create(Unsafe.Add(ref wr, 3));
            a30 = Vector512.FusedMultiplyAdd(x0, w3, a30); a31 = Vector512.FusedMultiplyAdd(x1, w3, a31); a32 = Vector512.FusedMultiplyAdd(x2, w3, a32); a33 = Vector512.FusedMultiplyAdd(x3, w3, a33);
            var w4 = Vector512.Create(Unsafe.Add(ref wr, 4));
            a40 = Vector512.FusedMultiplyAdd(x0, w4, a40); a41 = Vector512.FusedMultiplyAdd(x1, w4, a41); a42 = Vector512.FusedMultiplyAdd(x2, w4, a42); a43 = Vector512.FusedMultiplyAdd(x3, w4, a43);
            var w5 = Vector512.Create(Unsafe.Add(ref wr, 5));
            a50 = Vector512.FusedMultiplyAdd(x0, w5, a50); a51 = Vector512.FusedMultiplyAdd(x1, w5, a51); a52 = Vector512.FusedMultiplyAdd(x2, w5, a52); a53 = Vector512.FusedMultiplyAdd(x3, w5, a53);
            var w6 = Vector512.Create(Unsafe.Add(ref wr, 6));
            a60 = Vector512.FusedMultiplyAdd(x0, w6, a60); a61 = Vector512.FusedMultiplyAdd(x1, w6, a61); a62 = Vector512.FusedMultiplyAdd(x2, w6, a62); a63 = Vector512.FusedMultiplyAdd(x3, w6, a63);
            var w7 = Vector512.Create(Unsafe.Add(ref wr, 7));
            a70 = Vector512.FusedMultiplyAdd(x0, w7, a70); a71 = Vector512.FusedMultiplyAdd(x1, w7, a71); a72 = Vector512.FusedMultiplyAdd(x2, w7, a72); a73 = Vector512.FusedMultiplyAdd(x3, w7, a73);
        }

        acc[0] = a00; acc[1] = a01; acc[2] = a02; acc[3] = a03; acc[4] = a10; acc[5] = a11; acc[6] = a12; acc[7] = a13;
        acc[8] = a20; acc[9] = a21; acc[10] = a22; acc[11] = a23; acc[12] = a30; acc[13] = a31; acc[14] = a32; acc[15] = a33;
        acc[16] = a40; acc[17] = a41; acc[18] = a42; acc[19] = a43; acc[20] = a50; acc[21] = a51; acc[22] = a52; acc[23] = a53;
        acc[24] = a60; acc[25] = a61; acc[26] = a62; acc[27] = a63; acc[28] = a70; acc[29] = a71; acc[30] = a72; acc[31] = a73;
    }
}
