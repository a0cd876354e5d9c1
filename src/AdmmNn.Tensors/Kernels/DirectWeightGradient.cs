using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Weight gradient of a convolution without a column matrix, vectorized over output channels: dWᵀ[k, co] = Σ over images
/// and output positions p of x[offset k + p] · dY[co, p], as an outer product per position (64 output channels of dY,
/// laid channels-last, times 6 taps' input values broadcast): 24 <see cref="Vector512"/> accumulators that run over every
/// image and position of a group before they are stored. Unlike <see cref="DirectConv.AccumulateWeightGradient"/> (a dot
/// product over the phase grid, summed across lanes per image) it visits only real output positions (no dropped grid
/// columns: 8×8 and 4×4 planes computed 96 and 32 grid positions for 64 and 16 outputs) and needs no horizontal sums.
/// The input is prepared as for the direct forward (<see cref="DirectConv.Layout"/>'s zero-padded stride phases), so tap
/// k of output position (oh, ow) is at Offsets[k] + oh·PhaseWidth + ow.
/// Every dW entry is one chain of fused multiply-adds over the images in order and, within an image, over the positions
/// in row order, whatever the tile, tap range or image group that computes it: results do not depend on the work split.
/// </summary>
internal static class DirectWeightGradient
{
    /// <summary>Output channels per register tile (four vectors).</summary>
    public const int ChannelBlock = 64;

    /// <summary>Taps per register tile.</summary>
    public const int TapBlock = 6;

    /// <summary>Whether the kernel runs this shape: AVX-512, output channels a multiple of 64, more than one phase prepared.</summary>
    public static bool Supports(DirectConv.Layout layout) => Avx512F.IsSupported && layout.Cout % ChannelBlock == 0 && !layout.OnePhase;

    /// <summary>Floats of one image's channels-last output gradient (OutH·OutW × Cout).</summary>
    public static int GradientFloats(DirectConv.Layout layout) => layout.G.OutH * layout.G.OutW * layout.Cout;

    /// <summary>Floats of one image's prepared input (all channels' phases; only the channels a tap range needs are written).</summary>
    public static int InputFloats(DirectConv.Layout layout) => layout.Cin * layout.ChannelFloats;

    /// <summary>Input channels [first, last] that taps [<paramref name="k0"/>, <paramref name="k1"/>) read.</summary>
    public static (int First, int Last) Channels(DirectConv.Layout layout, int k0, int k1)
    {
        int taps = layout.G.KernelH * layout.G.KernelW;
        return (k0 / taps, (k1 - 1) / taps);
    }

    /// <summary>Writes input channels [<paramref name="first"/>, <paramref name="last"/>] of one image as zero-padded stride phases.</summary>
    public static void PrepareChannels(DirectConv.Layout layout, ReadOnlySpan<float> image, int first, int last, Span<float> input)
    {
        int inHW = layout.G.InH * layout.G.InW, chan = layout.ChannelFloats;
        for (int c = first; c <= last; c++)
        {
            StridePhases.Split(image.Slice(c * inHW, inHW), layout.G, input.Slice(c * chan, chan), layout.PhaseRows, layout.PhaseWidth);
        }
    }

    /// <summary>One image's output gradient (Cout planes of OutH·OutW) transposed to channels-last (OutH·OutW rows of Cout).</summary>
    public static void TransposeGradient(ReadOnlySpan<float> dy, int cout, int positions, Span<float> dyt) =>
        BlockTranspose.Run(dy, cout, positions, dyt, add: false);

    /// <summary>
    /// dWᵀ[k, co] += Σ over <paramref name="images"/> images and their output positions of input[Offsets[k] + position] ·
    /// dyt[position, co], for taps [<paramref name="k0"/>, <paramref name="k1"/>) and all output channels.
    /// <paramref name="inputs"/> holds the images' prepared inputs <paramref name="inputStride"/> floats apart (the channels
    /// of those taps written), <paramref name="gradients"/> their channels-last dY <see cref="GradientFloats"/> apart;
    /// <paramref name="dwt"/> is K × Cout.
    /// </summary>
    public static unsafe void Accumulate(DirectConv.Layout layout, ReadOnlySpan<float> inputs, int inputStride, ReadOnlySpan<float> gradients,
        int images, int k0, int k1, Span<float> dwt)
    {
        int cout = layout.Cout, gradientStride = GradientFloats(layout);
        if (!Supports(layout) || k0 < 0 || k1 > layout.K || images < 1 || inputStride < InputFloats(layout)
            || inputs.Length < (images - 1) * inputStride + InputFloats(layout) || gradients.Length < images * gradientStride || dwt.Length < layout.K * cout)
        {
            throw new ArgumentException("DirectWeightGradient.Accumulate: unsupported shape or a buffer smaller than the layout needs.");
        }

        var geometry = new Geometry(images, inputStride, gradientStride, layout.G.OutH, layout.G.OutW, layout.PhaseWidth, cout);
        int kMain = k0 + (k1 - k0) / TapBlock * TapBlock;
        fixed (float* xp = inputs, dp = gradients, wp = dwt)
        fixed (int* op = layout.Offsets)
        {
            for (int cb = 0; cb < cout; cb += ChannelBlock)
            {
                for (int k = k0; k < kMain; k += TapBlock)
                {
                    Tile(xp, op + k, dp + cb, wp + (nint)k * cout + cb, geometry);
                }

                for (int k = kMain; k < k1; k++)
                {
                    SingleTap(xp + op[k], dp + cb, wp + (nint)k * cout + cb, geometry);
                }
            }
        }
    }

    /// <summary>Strides and extents the tiles walk.</summary>
    private readonly record struct Geometry(int Images, int InputStride, int GradientStride, int OutH, int OutW, int PhaseWidth, int Cout);

    /// <summary>64 channels × 6 taps over every image and position of the group; accumulators loaded from and stored to dWᵀ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile(float* input, int* offsets, float* dyt, float* dw, Geometry g)
    {
        nint cout = g.Cout;
        Vector512<float> a00 = Vector512.Load(dw + 0 * cout), a01 = Vector512.Load(dw + 0 * cout + 16), a02 = Vector512.Load(dw + 0 * cout + 32), a03 = Vector512.Load(dw + 0 * cout + 48);
        Vector512<float> a10 = Vector512.Load(dw + 1 * cout), a11 = Vector512.Load(dw + 1 * cout + 16), a12 = Vector512.Load(dw + 1 * cout + 32), a13 = Vector512.Load(dw + 1 * cout + 48);
        Vector512<float> a20 = Vector512.Load(dw + 2 * cout), a21 = Vector512.Load(dw + 2 * cout + 16), a22 = Vector512.Load(dw + 2 * cout + 32), a23 = Vector512.Load(dw + 2 * cout + 48);
        Vector512<float> a30 = Vector512.Load(dw + 3 * cout), a31 = Vector512.Load(dw + 3 * cout + 16), a32 = Vector512.Load(dw + 3 * cout + 32), a33 = Vector512.Load(dw + 3 * cout + 48);
        Vector512<float> a40 = Vector512.Load(dw + 4 * cout), a41 = Vector512.Load(dw + 4 * cout + 16), a42 = Vector512.Load(dw + 4 * cout + 32), a43 = Vector512.Load(dw + 4 * cout + 48);
        Vector512<float> a50 = Vector512.Load(dw + 5 * cout), a51 = Vector512.Load(dw + 5 * cout + 16), a52 = Vector512.Load(dw + 5 * cout + 32), a53 = Vector512.Load(dw + 5 * cout + 48);
        int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4], o5 = offsets[5];
        for (int image = 0; image < g.Images; image++)
        {
            float* d = dyt + (nint)image * g.GradientStride;
            for (int oh = 0; oh < g.OutH; oh++)
            {
                float* x = input + (nint)image * g.InputStride + (nint)oh * g.PhaseWidth;
                float* x0 = x + o0, x1 = x + o1, x2 = x + o2, x3 = x + o3, x4 = x + o4, x5 = x + o5;
                for (int ow = 0; ow < g.OutW; ow++, d += cout)
                {
                    Vector512<float> d0 = Vector512.Load(d), d1 = Vector512.Load(d + 16), d2 = Vector512.Load(d + 32), d3 = Vector512.Load(d + 48);
                    Vector512<float> b = Vector512.Create(x0[ow]);
                    a00 = Vector512.FusedMultiplyAdd(d0, b, a00);
                    a01 = Vector512.FusedMultiplyAdd(d1, b, a01);
                    a02 = Vector512.FusedMultiplyAdd(d2, b, a02);
                    a03 = Vector512.FusedMultiplyAdd(d3, b, a03);
                    b = Vector512.Create(x1[ow]);
                    a10 = Vector512.FusedMultiplyAdd(d0, b, a10);
                    a11 = Vector512.FusedMultiplyAdd(d1, b, a11);
                    a12 = Vector512.FusedMultiplyAdd(d2, b, a12);
                    a13 = Vector512.FusedMultiplyAdd(d3, b, a13);
                    b = Vector512.Create(x2[ow]);
                    a20 = Vector512.FusedMultiplyAdd(d0, b, a20);
                    a21 = Vector512.FusedMultiplyAdd(d1, b, a21);
                    a22 = Vector512.FusedMultiplyAdd(d2, b, a22);
                    a23 = Vector512.FusedMultiplyAdd(d3, b, a23);
                    b = Vector512.Create(x3[ow]);
                    a30 = Vector512.FusedMultiplyAdd(d0, b, a30);
                    a31 = Vector512.FusedMultiplyAdd(d1, b, a31);
                    a32 = Vector512.FusedMultiplyAdd(d2, b, a32);
                    a33 = Vector512.FusedMultiplyAdd(d3, b, a33);
                    b = Vector512.Create(x4[ow]);
                    a40 = Vector512.FusedMultiplyAdd(d0, b, a40);
                    a41 = Vector512.FusedMultiplyAdd(d1, b, a41);
                    a42 = Vector512.FusedMultiplyAdd(d2, b, a42);
                    a43 = Vector512.FusedMultiplyAdd(d3, b, a43);
                    b = Vector512.Create(x5[ow]);
                    a50 = Vector512.FusedMultiplyAdd(d0, b, a50);
                    a51 = Vector512.FusedMultiplyAdd(d1, b, a51);
                    a52 = Vector512.FusedMultiplyAdd(d2, b, a52);
                    a53 = Vector512.FusedMultiplyAdd(d3, b, a53);
                }
            }
        }

        a00.Store(dw + 0 * cout); a01.Store(dw + 0 * cout + 16); a02.Store(dw + 0 * cout + 32); a03.Store(dw + 0 * cout + 48);
        a10.Store(dw + 1 * cout); a11.Store(dw + 1 * cout + 16); a12.Store(dw + 1 * cout + 32); a13.Store(dw + 1 * cout + 48);
        a20.Store(dw + 2 * cout); a21.Store(dw + 2 * cout + 16); a22.Store(dw + 2 * cout + 32); a23.Store(dw + 2 * cout + 48);
        a30.Store(dw + 3 * cout); a31.Store(dw + 3 * cout + 16); a32.Store(dw + 3 * cout + 32); a33.Store(dw + 3 * cout + 48);
        a40.Store(dw + 4 * cout); a41.Store(dw + 4 * cout + 16); a42.Store(dw + 4 * cout + 32); a43.Store(dw + 4 * cout + 48);
        a50.Store(dw + 5 * cout); a51.Store(dw + 5 * cout + 16); a52.Store(dw + 5 * cout + 32); a53.Store(dw + 5 * cout + 48);
    }

    /// <summary>64 channels × 1 tap (the taps left after the 6-tap tiles), same order of summation.</summary>
    private static unsafe void SingleTap(float* input, float* dyt, float* dw, Geometry g)
    {
        nint cout = g.Cout;
        Vector512<float> a0 = Vector512.Load(dw), a1 = Vector512.Load(dw + 16), a2 = Vector512.Load(dw + 32), a3 = Vector512.Load(dw + 48);
        for (int image = 0; image < g.Images; image++)
        {
            float* d = dyt + (nint)image * g.GradientStride;
            for (int oh = 0; oh < g.OutH; oh++)
            {
                float* x = input + (nint)image * g.InputStride + (nint)oh * g.PhaseWidth;
                for (int ow = 0; ow < g.OutW; ow++, d += cout)
                {
                    Vector512<float> b = Vector512.Create(x[ow]);
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Load(d), b, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Load(d + 16), b, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.Load(d + 32), b, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.Load(d + 48), b, a3);
                }
            }
        }

        a0.Store(dw);
        a1.Store(dw + 16);
        a2.Store(dw + 32);
        a3.Store(dw + 48);
    }
}
