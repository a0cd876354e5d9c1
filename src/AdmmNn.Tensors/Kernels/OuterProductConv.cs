using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Direct convolution vectorized over output channels, for the deep stages' small planes (resnet18-32's 8×8 and 4×4)
/// where <see cref="DirectConv"/>'s rows of the phase grid waste a third to a half of each vector: a register tile of 6
/// output positions × 64 output channels (24 <see cref="Vector512"/> accumulators) runs over all K = Cin·kh·kw taps,
/// per tap 4 vectors of weights (packed K × Cout) and the 6 positions' input values broadcast from the image's
/// zero-padded stride phases (<see cref="DirectConv.Layout"/>: tap k of output (oh, ow) at Offsets[k] + oh·PhaseWidth + ow).
/// Positions run over the images of a group back to back, so no position is computed twice or dropped except in the
/// group's last tile. The result is channels-last (positions × Cout); <see cref="BlockTranspose"/> writes it back.
/// Every output is one chain of fused multiply-adds over the taps in order, started at the bias: results do not depend
/// on the grouping or the thread count.
/// </summary>
internal static class OuterProductConv
{
    /// <summary>Output channels per register tile.</summary>
    public const int ChannelBlock = 64;

    /// <summary>Output positions per register tile.</summary>
    public const int PositionBlock = 6;

    /// <summary>Whether the kernel runs this shape: AVX-512, output channels a multiple of 64, more than one phase prepared.</summary>
    public static bool Supports(DirectConv.Layout layout) => Avx512F.IsSupported && layout.Cout % ChannelBlock == 0 && !layout.OnePhase;

    /// <summary>Images per group: enough for about 48 positions (8 tiles), so a group's last tile wastes little.</summary>
    public static int GroupImages(DirectConv.Layout layout) => Math.Max(1, 48 / (layout.G.OutH * layout.G.OutW));

    /// <summary>Floats of one image's prepared input.</summary>
    public static int InputFloats(DirectConv.Layout layout) => layout.Cin * layout.ChannelFloats;

    /// <summary>Floats of the channels-last output of <paramref name="images"/> images, plus the rows the last tile writes past them.</summary>
    public static int OutputFloats(DirectConv.Layout layout, int images) => (images * layout.G.OutH * layout.G.OutW + PositionBlock) * layout.Cout;

    /// <summary>Cout × K weights (rows of <paramref name="w"/>) packed K × Cout.</summary>
    public static void PackWeights(DirectConv.Layout layout, ReadOnlySpan<float> w, Span<float> packed) =>
        BlockTranspose.Run(w, layout.Cout, layout.K, packed, add: false);

    /// <summary>Writes all input channels of one image as zero-padded stride phases.</summary>
    public static void PrepareInput(DirectConv.Layout layout, ReadOnlySpan<float> image, Span<float> input) =>
        DirectWeightGradient.PrepareChannels(layout, image, 0, layout.Cin - 1, input);

    /// <summary>
    /// yt[q, co] = bias[co] + Σ_k packed[k, co] · input[Offsets[k] + position q] for the <paramref name="images"/>
    /// prepared images in <paramref name="inputs"/> (<see cref="InputFloats"/> apart); q runs over the images' OutH·OutW
    /// positions back to back. <paramref name="bias"/> may be empty.
    /// </summary>
    public static unsafe void Compute(DirectConv.Layout layout, ReadOnlySpan<float> inputs, int images, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, Span<float> yt)
    {
        int cout = layout.Cout, k = layout.K, outW = layout.G.OutW, ohw = layout.G.OutH * outW, pw = layout.PhaseWidth;
        int inputFloats = InputFloats(layout), total = images * ohw;
        if (!Supports(layout) || images < 1 || inputs.Length < images * inputFloats || packed.Length < k * cout
            || yt.Length < OutputFloats(layout, images) || (!bias.IsEmpty && bias.Length < cout))
        {
            throw new ArgumentException("OuterProductConv.Compute: unsupported shape or a buffer smaller than the layout needs.");
        }

        Span<int> bases = stackalloc int[PositionBlock];
        Span<float> zero = stackalloc float[ChannelBlock];
        zero.Clear();
        fixed (float* xp = inputs, wp = packed, bp = bias, yp = yt, zp = zero)
        fixed (int* op = layout.Offsets, basep = bases)
        {
            for (int q0 = 0; q0 < total; q0 += PositionBlock)
            {
                for (int j = 0; j < PositionBlock; j++)
                {
                    // Past the last position the tile repeats it (rows written into the slack, never read).
                    int q = Math.Min(q0 + j, total - 1), image = q / ohw, p = q % ohw;
                    bases[j] = image * inputFloats + p / outW * pw + p % outW;
                }

                for (int cb = 0; cb < cout; cb += ChannelBlock)
                {
                    Tile(xp, basep, op, k, wp + cb, cout, bias.IsEmpty ? zp : bp + cb, yp + (nint)q0 * cout + cb);
                }
            }
        }
    }

    /// <summary>6 positions × 64 channels over all K taps, started at the bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile(float* input, int* bases, int* offsets, int k, float* w, int cout, float* bias, float* y)
    {
        Vector512<float> b0 = Vector512.Load(bias), b1 = Vector512.Load(bias + 16), b2 = Vector512.Load(bias + 32), b3 = Vector512.Load(bias + 48);
        Vector512<float> a00 = b0, a01 = b1, a02 = b2, a03 = b3;
        Vector512<float> a10 = b0, a11 = b1, a12 = b2, a13 = b3;
        Vector512<float> a20 = b0, a21 = b1, a22 = b2, a23 = b3;
        Vector512<float> a30 = b0, a31 = b1, a32 = b2, a33 = b3;
        Vector512<float> a40 = b0, a41 = b1, a42 = b2, a43 = b3;
        Vector512<float> a50 = b0, a51 = b1, a52 = b2, a53 = b3;
        float* x0 = input + bases[0], x1 = input + bases[1], x2 = input + bases[2], x3 = input + bases[3], x4 = input + bases[4], x5 = input + bases[5];
        nint stride = cout;
        for (int t = 0; t < k; t++, w += stride)
        {
            int o = offsets[t];
            Vector512<float> w0 = Vector512.Load(w), w1 = Vector512.Load(w + 16), w2 = Vector512.Load(w + 32), w3 = Vector512.Load(w + 48);
            Vector512<float> v = Vector512.Create(x0[o]);
            a00 = Vector512.FusedMultiplyAdd(w0, v, a00);
            a01 = Vector512.FusedMultiplyAdd(w1, v, a01);
            a02 = Vector512.FusedMultiplyAdd(w2, v, a02);
            a03 = Vector512.FusedMultiplyAdd(w3, v, a03);
            v = Vector512.Create(x1[o]);
            a10 = Vector512.FusedMultiplyAdd(w0, v, a10);
            a11 = Vector512.FusedMultiplyAdd(w1, v, a11);
            a12 = Vector512.FusedMultiplyAdd(w2, v, a12);
            a13 = Vector512.FusedMultiplyAdd(w3, v, a13);
            v = Vector512.Create(x2[o]);
            a20 = Vector512.FusedMultiplyAdd(w0, v, a20);
            a21 = Vector512.FusedMultiplyAdd(w1, v, a21);
            a22 = Vector512.FusedMultiplyAdd(w2, v, a22);
            a23 = Vector512.FusedMultiplyAdd(w3, v, a23);
            v = Vector512.Create(x3[o]);
            a30 = Vector512.FusedMultiplyAdd(w0, v, a30);
            a31 = Vector512.FusedMultiplyAdd(w1, v, a31);
            a32 = Vector512.FusedMultiplyAdd(w2, v, a32);
            a33 = Vector512.FusedMultiplyAdd(w3, v, a33);
            v = Vector512.Create(x4[o]);
            a40 = Vector512.FusedMultiplyAdd(w0, v, a40);
            a41 = Vector512.FusedMultiplyAdd(w1, v, a41);
            a42 = Vector512.FusedMultiplyAdd(w2, v, a42);
            a43 = Vector512.FusedMultiplyAdd(w3, v, a43);
            v = Vector512.Create(x5[o]);
            a50 = Vector512.FusedMultiplyAdd(w0, v, a50);
            a51 = Vector512.FusedMultiplyAdd(w1, v, a51);
            a52 = Vector512.FusedMultiplyAdd(w2, v, a52);
            a53 = Vector512.FusedMultiplyAdd(w3, v, a53);
        }

        a00.Store(y + 0 * stride); a01.Store(y + 0 * stride + 16); a02.Store(y + 0 * stride + 32); a03.Store(y + 0 * stride + 48);
        a10.Store(y + 1 * stride); a11.Store(y + 1 * stride + 16); a12.Store(y + 1 * stride + 32); a13.Store(y + 1 * stride + 48);
        a20.Store(y + 2 * stride); a21.Store(y + 2 * stride + 16); a22.Store(y + 2 * stride + 32); a23.Store(y + 2 * stride + 48);
        a30.Store(y + 3 * stride); a31.Store(y + 3 * stride + 16); a32.Store(y + 3 * stride + 32); a33.Store(y + 3 * stride + 48);
        a40.Store(y + 4 * stride); a41.Store(y + 4 * stride + 16); a42.Store(y + 4 * stride + 32); a43.Store(y + 4 * stride + 48);
        a50.Store(y + 5 * stride); a51.Store(y + 5 * stride + 16); a52.Store(y + 5 * stride + 32); a53.Store(y + 5 * stride + 48);
    }
}
