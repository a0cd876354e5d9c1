using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Direct (implicit-GEMM) convolution for one image at a time, for the small channel counts of compact CNNs where
/// im2col + GEMM spends its time copying columns (M = 16–64 output channels, K = 9·Cin). The image is copied once into
/// zero-padded stride phases (<see cref="DepthwiseConv.PhaseExtent"/>), so every (input channel, tap) pair is one fixed
/// offset into that buffer and every output position a fixed step along it: outputs are computed on the phase grid
/// (rows as wide as a phase row; the few columns past the output width are computed and dropped) by a register tile
/// of 8 output channels × 32 or 48 positions of <see cref="Vector512"/> FMAs, input vectors loaded at each tap's
/// offset, one broadcast weight per channel. No column matrix is written. Each output is summed over the taps in one
/// fixed order, so results do not depend on the thread count or on how the work is split.
/// </summary>
internal static class DirectConv
{
    /// <summary>Output channels per register tile.</summary>
    public const int ChannelBlock = 8;

    /// <summary>True where the kernel runs (AVX-512); elsewhere convolutions keep im2col + GEMM.</summary>
    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    /// <summary>
    /// Everything about one convolution shape the kernel needs: the phase-grid extent, the positions computed (a multiple
    /// of the tile width), the floats of the prepared input and the offset of each (input channel, tap) pair in it.
    /// </summary>
    internal sealed class Layout
    {
        public Layout(in ConvShape g, int cin, int cout)
        {
            G = g;
            Cin = cin;
            Cout = cout;
            (PhaseRows, PhaseWidth) = DepthwiseConv.PhaseExtent(g);
            int phaseSize = PhaseRows * PhaseWidth;
            bool onePhase = true;
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                for (int kj = 0; kj < g.KernelW; kj++)
                {
                    onePhase &= ki * g.DilationH % g.StrideH == 0 && kj * g.DilationW % g.StrideW == 0;
                }
            }

            // Taps that all land on phase (0, 0) (a strided 1×1): only that phase is prepared.
            OnePhase = onePhase && g.StrideH * g.StrideW > 1;
            ChannelFloats = (OnePhase ? 1 : g.StrideH * g.StrideW) * phaseSize;
            int used = (g.OutH - 1) * PhaseWidth + g.OutW;
            int wide = RoundUp(used, 48), narrow = RoundUp(used, 32);
            Vectors = wide <= narrow ? 3 : 2;
            Positions = Vectors == 3 ? wide : narrow;
            Offsets = new int[cin * g.KernelH * g.KernelW];
            int p = 0, maxOffset = 0;
            for (int c = 0; c < cin; c++)
            {
                for (int ki = 0; ki < g.KernelH; ki++)
                {
                    int r = ki * g.DilationH;
                    for (int kj = 0; kj < g.KernelW; kj++)
                    {
                        int q = kj * g.DilationW;
                        int offset = c * ChannelFloats + (r % g.StrideH * g.StrideW + q % g.StrideW) * phaseSize + r / g.StrideH * PhaseWidth + q / g.StrideW;
                        Offsets[p++] = offset;
                        maxOffset = Math.Max(maxOffset, offset);
                    }
                }
            }

            InputFloats = Math.Max(cin * ChannelFloats, maxOffset + Positions);
        }

        /// <summary>A layout on <paramref name="source"/>'s prepared input and phase grid with other taps and output channels.</summary>
        private Layout(Layout source, int cout, int[] offsets)
        {
            G = source.G;
            Cin = source.Cin;
            Cout = cout;
            PhaseRows = source.PhaseRows;
            PhaseWidth = source.PhaseWidth;
            OnePhase = source.OnePhase;
            ChannelFloats = source.ChannelFloats;
            Vectors = source.Vectors;
            Positions = source.Positions;
            Offsets = offsets;
            InputFloats = source.InputFloats;
        }

        /// <summary>
        /// The layout of a 1×1 convolution with <paramref name="cout"/> output channels, the same stride and output grid
        /// as <paramref name="source"/>, whose single tap is <paramref name="source"/>'s tap (<paramref name="row"/>,
        /// <paramref name="column"/>) of the padded plane (a ResNet projection shortcut beside its block's first 3×3
        /// convolution: tap (1, 1)). It reads the input <see cref="PrepareInput"/> prepared for <paramref name="source"/>,
        /// so one prepared image feeds both (<see cref="Compute"/> with either layout).
        /// </summary>
        public static Layout Projection(Layout source, int cout, int row, int column)
        {
            var g = source.G;
            if (row < 0 || column < 0 || row > (g.KernelH - 1) * g.DilationH || column > (g.KernelW - 1) * g.DilationW || source.OnePhase)
            {
                throw new ArgumentException($"DirectConv.Layout.Projection: tap ({row}, {column}) is outside the {g.KernelH}×{g.KernelW} source's padded window.");
            }

            int phaseSize = source.PhaseRows * source.PhaseWidth;
            int at = (row % g.StrideH * g.StrideW + column % g.StrideW) * phaseSize + row / g.StrideH * source.PhaseWidth + column / g.StrideW;
            var offsets = new int[source.Cin];
            for (int c = 0; c < offsets.Length; c++)
            {
                offsets[c] = c * source.ChannelFloats + at;
            }

            return new Layout(source, cout, offsets);
        }

        public ConvShape G { get; }

        public int Cin { get; }

        public int Cout { get; }

        public int PhaseRows { get; }

        public int PhaseWidth { get; }

        /// <summary>Strided, and every tap reads phase (0, 0): only that phase is prepared.</summary>
        public bool OnePhase { get; }

        /// <summary>Floats of one input channel's phases.</summary>
        public int ChannelFloats { get; }

        /// <summary>Vector512 columns per tile (3: 48 positions, 2: 32), whichever computes fewer dropped positions.</summary>
        public int Vectors { get; }

        /// <summary>Output positions computed per channel (phase grid, rounded up to the tile width).</summary>
        public int Positions { get; }

        /// <summary>Floats of the prepared input (phases plus the zero tail the last tile reads).</summary>
        public int InputFloats { get; }

        /// <summary>Offset of each (input channel, kernel row, kernel column) pair, in weight order.</summary>
        public int[] Offsets { get; }

        /// <summary>K: taps per output channel (Cin·kh·kw).</summary>
        public int K => Offsets.Length;

        /// <summary>Register tiles of output channels (the last one zero-padded).</summary>
        public int Blocks => (Cout + ChannelBlock - 1) / ChannelBlock;

        /// <summary>Floats of the packed weights (<see cref="PackWeights"/>).</summary>
        public int PackedWeightFloats => Blocks * ChannelBlock * K;

        /// <summary>Floats of one worker's output staging (8 channels × <see cref="Positions"/>).</summary>
        public int StagingFloats => ChannelBlock * Positions;

        /// <summary>Floats of one image's output gradient laid on the phase grid (<see cref="PrepareGrid"/>).</summary>
        public int GridFloats => Cout * Positions;

        /// <summary>Multiply-adds per image actually issued (including padded channels and dropped positions).</summary>
        public long IssuedMacs => (long)Blocks * ChannelBlock * Positions * K;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Packs Cout × K weights (rows of <paramref name="w"/>, K = Cin·kh·kw) as [block][k][8 channels] (missing channels
    /// zero) and the bias as [block·8] (zero where absent), the order the tile reads them.
    /// </summary>
    public static void PackWeights(Layout layout, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> packed, Span<float> packedBias)
    {
        int k = layout.K, cout = layout.Cout;
        for (int b = 0; b < layout.Blocks; b++)
        {
            Span<float> dst = packed.Slice(b * ChannelBlock * k, ChannelBlock * k);
            for (int c = 0; c < ChannelBlock; c++)
            {
                int co = b * ChannelBlock + c;
                if (co >= cout)
                {
                    for (int p = 0; p < k; p++)
                    {
                        dst[p * ChannelBlock + c] = 0f;
                    }

                    continue;
                }

                ReadOnlySpan<float> row = w.Slice(co * k, k);
                for (int p = 0; p < k; p++)
                {
                    dst[p * ChannelBlock + c] = row[p];
                }
            }
        }

        for (int co = 0; co < layout.Blocks * ChannelBlock; co++)
        {
            packedBias[co] = co < cout && !bias.IsEmpty ? bias[co] : 0f;
        }
    }

    /// <summary>Copies one image (Cin planes) into its zero-padded stride phases, plus the zero tail.</summary>
    public static void PrepareInput(Layout layout, ReadOnlySpan<float> image, Span<float> input)
    {
        int inHW = layout.G.InH * layout.G.InW, chan = layout.ChannelFloats;
        for (int c = 0; c < layout.Cin; c++)
        {
            if (layout.OnePhase)
            {
                GatherPhaseZero(image.Slice(c * inHW, inHW), layout, input.Slice(c * chan, chan));
            }
            else
            {
                StridePhases.Split(image.Slice(c * inHW, inHW), layout.G, input.Slice(c * chan, chan), layout.PhaseRows, layout.PhaseWidth);
            }
        }

        input[(layout.Cin * chan)..layout.InputFloats].Clear();
    }

    /// <summary>
    /// Lays one image's output gradient (Cout planes of OutH·OutW) on the phase grid the forward computes on: row oh at
    /// oh·PhaseWidth, zeros in the dropped columns and the tail, so a weight gradient is a plain dot product over it.
    /// </summary>
    public static void PrepareGrid(Layout layout, ReadOnlySpan<float> dy, Span<float> grid)
    {
        int positions = layout.Positions, outH = layout.G.OutH, outW = layout.G.OutW, pw = layout.PhaseWidth;
        grid[..layout.GridFloats].Clear();
        for (int co = 0; co < layout.Cout; co++)
        {
            for (int oh = 0; oh < outH; oh++)
            {
                dy.Slice((co * outH + oh) * outW, outW).CopyTo(grid.Slice(co * positions + oh * pw, outW));
            }
        }
    }

    /// <summary>
    /// dW[co, k] += Σ over positions of grid[co] · input[offset k + position] for one image (<paramref name="input"/> from
    /// <see cref="PrepareInput"/>, <paramref name="grid"/> from <see cref="PrepareGrid"/>): no column matrix. Tiles of 4
    /// channels × 6 taps accumulate 16 positions per FMA and are summed once at the end; each dW entry's order of
    /// summation is fixed by the shape.
    /// </summary>
    public static unsafe void AccumulateWeightGradient(Layout layout, ReadOnlySpan<float> input, ReadOnlySpan<float> grid, Span<float> dw)
    {
        int k = layout.K, cout = layout.Cout, positions = layout.Positions;
        if (input.Length < layout.InputFloats || grid.Length < layout.GridFloats || dw.Length < cout * k)
        {
            throw new ArgumentException("DirectConv.AccumulateWeightGradient: a buffer is smaller than the layout needs.");
        }

        int coMain = cout / 4 * 4, kMain = k / 6 * 6;
        fixed (float* ip = input, gp = grid, dp = dw)
        fixed (int* op = layout.Offsets)
        {
            for (int co = 0; co < coMain; co += 4)
            {
                for (int t = 0; t < kMain; t += 6)
                {
                    WeightTile(ip, op + t, gp + (nint)co * positions, positions, dp + (nint)co * k + t, k);
                }
            }
        }

        for (int co = 0; co < cout; co++)
        {
            for (int t = co < coMain ? kMain : 0; t < k; t++)
            {
                dw[co * k + t] += System.Numerics.Tensors.TensorPrimitives.Dot(grid.Slice(co * positions, positions), input.Slice(layout.Offsets[t], positions));
            }
        }
    }

    /// <summary>Phase (0, 0) of the zero-padded plane: padded pixel (i·sh, j·sw) at i·PhaseWidth + j.</summary>
    private static void GatherPhaseZero(ReadOnlySpan<float> plane, Layout layout, Span<float> phase)
    {
        var g = layout.G;
        int pw = layout.PhaseWidth, sh = g.StrideH, sw = g.StrideW;
        phase.Clear();
        int q0 = g.PadLeft, q1 = Math.Min(pw * sw, g.PadLeft + g.InW);
        int jLo = (q0 + sw - 1) / sw, jHi = Math.Min(pw, (q1 + sw - 1) / sw);
        if (jHi <= jLo)
        {
            return;
        }

        for (int i = 0; i < layout.PhaseRows; i++)
        {
            int ih = i * sh - g.PadTop;
            if (ih >= 0 && ih < g.InH)
            {
                DepthwiseConv.GatherStrided(plane, ih * g.InW + jLo * sw - q0, sw, phase[(i * pw + jLo)..], jHi - jLo);
            }
        }
    }

    /// <summary>
    /// Output channel blocks [<paramref name="block0"/>, <paramref name="block0"/> + <paramref name="blocks"/>) of one
    /// image from its prepared <paramref name="input"/>: each block's tiles go to <paramref name="staging"/>, then its
    /// rows are compacted into <paramref name="y"/> (Cout planes of OutH·OutW; <paramref name="yOffset"/> is its index in
    /// the whole output, for the epilogue's residual). <paramref name="accumulate"/> adds into y instead (no epilogue).
    /// <paramref name="upcoming"/> (the next image this worker will prepare, or empty) is prefetched while it computes.
    /// </summary>
    public static unsafe void Compute(Layout layout, ReadOnlySpan<float> input, ReadOnlySpan<float> packed, ReadOnlySpan<float> packedBias,
        int block0, int blocks, Span<float> staging, Span<float> y, int yOffset, ConvEpilogue epilogue, bool accumulate, ReadOnlySpan<float> upcoming = default)
    {
        int k = layout.K, positions = layout.Positions, step = 16 * layout.Vectors;
        // The next image streams into L2 while this one computes, one share per tile: conv-kernels --batch 256 --threads 1
        // --best, layer2.conv1 7.13/5.05 -> 5.83/3.95 CPU ms, layer3.conv1 5.89/4.89 -> 4.21/3.97 (two pairs, load 1.5-2.1).
        int tiles = blocks * ((positions + step - 1) / step), tile = 0;
        int outH = layout.G.OutH, outW = layout.G.OutW, pw = layout.PhaseWidth, plane = outH * outW;
        if (input.Length < layout.InputFloats || staging.Length < layout.StagingFloats || packed.Length < layout.PackedWeightFloats
            || y.Length < layout.Cout * plane)
        {
            throw new ArgumentException("DirectConv.Compute: a buffer is smaller than the layout needs.");
        }

        fixed (float* ip = input, wp = packed, bp = packedBias, sp = staging, up = upcoming)
        fixed (int* op = layout.Offsets)
        {
            for (int b = block0; b < block0 + blocks; b++)
            {
                float* w = wp + (nint)b * ChannelBlock * k, bias = bp + b * ChannelBlock;
                if (layout.Vectors == 3)
                {
                    for (int pos = 0; pos < positions; pos += step)
                    {
                        CachePrefetch.Share(up, upcoming.Length, tile++, tiles);
                        Tile3(ip + pos, op, k, w, bias, sp + pos, positions);
                    }
                }
                else
                {
                    for (int pos = 0; pos < positions; pos += step)
                    {
                        CachePrefetch.Share(up, upcoming.Length, tile++, tiles);
                        Tile2(ip + pos, op, k, w, bias, sp + pos, positions);
                    }
                }

                for (int c = 0; c < ChannelBlock; c++)
                {
                    int co = b * ChannelBlock + c;
                    if (co >= layout.Cout)
                    {
                        break;
                    }

                    epilogue.StoreRows(staging.Slice(c * positions, positions), pw, outH, outW, y.Slice(co * plane, plane), yOffset + co * plane, accumulate);
                }
            }
        }
    }

    /// <summary>One 8-channel × 48-position tile: accumulators start at the bias and run over all K taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile3(float* input, int* offsets, int k, float* w, float* bias, float* output, int outStride)
    {
        Vector512<float> c0_0 = Vector512.Create(bias[0]), c0_1 = Vector512.Create(bias[0]), c0_2 = Vector512.Create(bias[0]);
        Vector512<float> c1_0 = Vector512.Create(bias[1]), c1_1 = Vector512.Create(bias[1]), c1_2 = Vector512.Create(bias[1]);
        Vector512<float> c2_0 = Vector512.Create(bias[2]), c2_1 = Vector512.Create(bias[2]), c2_2 = Vector512.Create(bias[2]);
        Vector512<float> c3_0 = Vector512.Create(bias[3]), c3_1 = Vector512.Create(bias[3]), c3_2 = Vector512.Create(bias[3]);
        Vector512<float> c4_0 = Vector512.Create(bias[4]), c4_1 = Vector512.Create(bias[4]), c4_2 = Vector512.Create(bias[4]);
        Vector512<float> c5_0 = Vector512.Create(bias[5]), c5_1 = Vector512.Create(bias[5]), c5_2 = Vector512.Create(bias[5]);
        Vector512<float> c6_0 = Vector512.Create(bias[6]), c6_1 = Vector512.Create(bias[6]), c6_2 = Vector512.Create(bias[6]);
        Vector512<float> c7_0 = Vector512.Create(bias[7]), c7_1 = Vector512.Create(bias[7]), c7_2 = Vector512.Create(bias[7]);
        for (int p = 0; p < k; p++)
        {
            float* src = input + offsets[p];
            Vector512<float> x0 = Vector512.Load(src + 0);
            Vector512<float> x1 = Vector512.Load(src + 16);
            Vector512<float> x2 = Vector512.Load(src + 32);
            Vector512<float> w0 = Vector512.Create(w[0]);
            c0_0 = Vector512.FusedMultiplyAdd(x0, w0, c0_0);
            c0_1 = Vector512.FusedMultiplyAdd(x1, w0, c0_1);
            c0_2 = Vector512.FusedMultiplyAdd(x2, w0, c0_2);
            Vector512<float> w1 = Vector512.Create(w[1]);
            c1_0 = Vector512.FusedMultiplyAdd(x0, w1, c1_0);
            c1_1 = Vector512.FusedMultiplyAdd(x1, w1, c1_1);
            c1_2 = Vector512.FusedMultiplyAdd(x2, w1, c1_2);
            Vector512<float> w2 = Vector512.Create(w[2]);
            c2_0 = Vector512.FusedMultiplyAdd(x0, w2, c2_0);
            c2_1 = Vector512.FusedMultiplyAdd(x1, w2, c2_1);
            c2_2 = Vector512.FusedMultiplyAdd(x2, w2, c2_2);
            Vector512<float> w3 = Vector512.Create(w[3]);
            c3_0 = Vector512.FusedMultiplyAdd(x0, w3, c3_0);
            c3_1 = Vector512.FusedMultiplyAdd(x1, w3, c3_1);
            c3_2 = Vector512.FusedMultiplyAdd(x2, w3, c3_2);
            Vector512<float> w4 = Vector512.Create(w[4]);
            c4_0 = Vector512.FusedMultiplyAdd(x0, w4, c4_0);
            c4_1 = Vector512.FusedMultiplyAdd(x1, w4, c4_1);
            c4_2 = Vector512.FusedMultiplyAdd(x2, w4, c4_2);
            Vector512<float> w5 = Vector512.Create(w[5]);
            c5_0 = Vector512.FusedMultiplyAdd(x0, w5, c5_0);
            c5_1 = Vector512.FusedMultiplyAdd(x1, w5, c5_1);
            c5_2 = Vector512.FusedMultiplyAdd(x2, w5, c5_2);
            Vector512<float> w6 = Vector512.Create(w[6]);
            c6_0 = Vector512.FusedMultiplyAdd(x0, w6, c6_0);
            c6_1 = Vector512.FusedMultiplyAdd(x1, w6, c6_1);
            c6_2 = Vector512.FusedMultiplyAdd(x2, w6, c6_2);
            Vector512<float> w7 = Vector512.Create(w[7]);
            c7_0 = Vector512.FusedMultiplyAdd(x0, w7, c7_0);
            c7_1 = Vector512.FusedMultiplyAdd(x1, w7, c7_1);
            c7_2 = Vector512.FusedMultiplyAdd(x2, w7, c7_2);
            w += 8;
        }

        c0_0.Store(output + 0 * (nint)outStride + 0);
        c0_1.Store(output + 0 * (nint)outStride + 16);
        c0_2.Store(output + 0 * (nint)outStride + 32);
        c1_0.Store(output + 1 * (nint)outStride + 0);
        c1_1.Store(output + 1 * (nint)outStride + 16);
        c1_2.Store(output + 1 * (nint)outStride + 32);
        c2_0.Store(output + 2 * (nint)outStride + 0);
        c2_1.Store(output + 2 * (nint)outStride + 16);
        c2_2.Store(output + 2 * (nint)outStride + 32);
        c3_0.Store(output + 3 * (nint)outStride + 0);
        c3_1.Store(output + 3 * (nint)outStride + 16);
        c3_2.Store(output + 3 * (nint)outStride + 32);
        c4_0.Store(output + 4 * (nint)outStride + 0);
        c4_1.Store(output + 4 * (nint)outStride + 16);
        c4_2.Store(output + 4 * (nint)outStride + 32);
        c5_0.Store(output + 5 * (nint)outStride + 0);
        c5_1.Store(output + 5 * (nint)outStride + 16);
        c5_2.Store(output + 5 * (nint)outStride + 32);
        c6_0.Store(output + 6 * (nint)outStride + 0);
        c6_1.Store(output + 6 * (nint)outStride + 16);
        c6_2.Store(output + 6 * (nint)outStride + 32);
        c7_0.Store(output + 7 * (nint)outStride + 0);
        c7_1.Store(output + 7 * (nint)outStride + 16);
        c7_2.Store(output + 7 * (nint)outStride + 32);
    }

    /// <summary>One 8-channel × 32-position tile: accumulators start at the bias and run over all K taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile2(float* input, int* offsets, int k, float* w, float* bias, float* output, int outStride)
    {
        Vector512<float> c0_0 = Vector512.Create(bias[0]), c0_1 = Vector512.Create(bias[0]);
        Vector512<float> c1_0 = Vector512.Create(bias[1]), c1_1 = Vector512.Create(bias[1]);
        Vector512<float> c2_0 = Vector512.Create(bias[2]), c2_1 = Vector512.Create(bias[2]);
        Vector512<float> c3_0 = Vector512.Create(bias[3]), c3_1 = Vector512.Create(bias[3]);
        Vector512<float> c4_0 = Vector512.Create(bias[4]), c4_1 = Vector512.Create(bias[4]);
        Vector512<float> c5_0 = Vector512.Create(bias[5]), c5_1 = Vector512.Create(bias[5]);
        Vector512<float> c6_0 = Vector512.Create(bias[6]), c6_1 = Vector512.Create(bias[6]);
        Vector512<float> c7_0 = Vector512.Create(bias[7]), c7_1 = Vector512.Create(bias[7]);
        for (int p = 0; p < k; p++)
        {
            float* src = input + offsets[p];
            Vector512<float> x0 = Vector512.Load(src + 0);
            Vector512<float> x1 = Vector512.Load(src + 16);
            Vector512<float> w0 = Vector512.Create(w[0]);
            c0_0 = Vector512.FusedMultiplyAdd(x0, w0, c0_0);
            c0_1 = Vector512.FusedMultiplyAdd(x1, w0, c0_1);
            Vector512<float> w1 = Vector512.Create(w[1]);
            c1_0 = Vector512.FusedMultiplyAdd(x0, w1, c1_0);
            c1_1 = Vector512.FusedMultiplyAdd(x1, w1, c1_1);
            Vector512<float> w2 = Vector512.Create(w[2]);
            c2_0 = Vector512.FusedMultiplyAdd(x0, w2, c2_0);
            c2_1 = Vector512.FusedMultiplyAdd(x1, w2, c2_1);
            Vector512<float> w3 = Vector512.Create(w[3]);
            c3_0 = Vector512.FusedMultiplyAdd(x0, w3, c3_0);
            c3_1 = Vector512.FusedMultiplyAdd(x1, w3, c3_1);
            Vector512<float> w4 = Vector512.Create(w[4]);
            c4_0 = Vector512.FusedMultiplyAdd(x0, w4, c4_0);
            c4_1 = Vector512.FusedMultiplyAdd(x1, w4, c4_1);
            Vector512<float> w5 = Vector512.Create(w[5]);
            c5_0 = Vector512.FusedMultiplyAdd(x0, w5, c5_0);
            c5_1 = Vector512.FusedMultiplyAdd(x1, w5, c5_1);
            Vector512<float> w6 = Vector512.Create(w[6]);
            c6_0 = Vector512.FusedMultiplyAdd(x0, w6, c6_0);
            c6_1 = Vector512.FusedMultiplyAdd(x1, w6, c6_1);
            Vector512<float> w7 = Vector512.Create(w[7]);
            c7_0 = Vector512.FusedMultiplyAdd(x0, w7, c7_0);
            c7_1 = Vector512.FusedMultiplyAdd(x1, w7, c7_1);
            w += 8;
        }

        c0_0.Store(output + 0 * (nint)outStride + 0);
        c0_1.Store(output + 0 * (nint)outStride + 16);
        c1_0.Store(output + 1 * (nint)outStride + 0);
        c1_1.Store(output + 1 * (nint)outStride + 16);
        c2_0.Store(output + 2 * (nint)outStride + 0);
        c2_1.Store(output + 2 * (nint)outStride + 16);
        c3_0.Store(output + 3 * (nint)outStride + 0);
        c3_1.Store(output + 3 * (nint)outStride + 16);
        c4_0.Store(output + 4 * (nint)outStride + 0);
        c4_1.Store(output + 4 * (nint)outStride + 16);
        c5_0.Store(output + 5 * (nint)outStride + 0);
        c5_1.Store(output + 5 * (nint)outStride + 16);
        c6_0.Store(output + 6 * (nint)outStride + 0);
        c6_1.Store(output + 6 * (nint)outStride + 16);
        c7_0.Store(output + 7 * (nint)outStride + 0);
        c7_1.Store(output + 7 * (nint)outStride + 16);
    }


    /// <summary>dW tile: 4 output channels × 6 taps, each the dot product of a channel's dY grid with the input at the tap's offset over all positions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void WeightTile(float* input, int* offsets, float* dy, int positions, float* dw, int k)
    {
        Vector512<float> a0_0 = default, a0_1 = default, a0_2 = default, a0_3 = default, a0_4 = default, a0_5 = default;
        Vector512<float> a1_0 = default, a1_1 = default, a1_2 = default, a1_3 = default, a1_4 = default, a1_5 = default;
        Vector512<float> a2_0 = default, a2_1 = default, a2_2 = default, a2_3 = default, a2_4 = default, a2_5 = default;
        Vector512<float> a3_0 = default, a3_1 = default, a3_2 = default, a3_3 = default, a3_4 = default, a3_5 = default;
        float* x0 = input + offsets[0];
        float* x1 = input + offsets[1];
        float* x2 = input + offsets[2];
        float* x3 = input + offsets[3];
        float* x4 = input + offsets[4];
        float* x5 = input + offsets[5];
        for (int p = 0; p < positions; p += 16)
        {
            Vector512<float> d0 = Vector512.Load(dy + 0 * (nint)positions + p);
            Vector512<float> d1 = Vector512.Load(dy + 1 * (nint)positions + p);
            Vector512<float> d2 = Vector512.Load(dy + 2 * (nint)positions + p);
            Vector512<float> d3 = Vector512.Load(dy + 3 * (nint)positions + p);
            Vector512<float> v0 = Vector512.Load(x0 + p);
            a0_0 = Vector512.FusedMultiplyAdd(d0, v0, a0_0);
            a1_0 = Vector512.FusedMultiplyAdd(d1, v0, a1_0);
            a2_0 = Vector512.FusedMultiplyAdd(d2, v0, a2_0);
            a3_0 = Vector512.FusedMultiplyAdd(d3, v0, a3_0);
            Vector512<float> v1 = Vector512.Load(x1 + p);
            a0_1 = Vector512.FusedMultiplyAdd(d0, v1, a0_1);
            a1_1 = Vector512.FusedMultiplyAdd(d1, v1, a1_1);
            a2_1 = Vector512.FusedMultiplyAdd(d2, v1, a2_1);
            a3_1 = Vector512.FusedMultiplyAdd(d3, v1, a3_1);
            Vector512<float> v2 = Vector512.Load(x2 + p);
            a0_2 = Vector512.FusedMultiplyAdd(d0, v2, a0_2);
            a1_2 = Vector512.FusedMultiplyAdd(d1, v2, a1_2);
            a2_2 = Vector512.FusedMultiplyAdd(d2, v2, a2_2);
            a3_2 = Vector512.FusedMultiplyAdd(d3, v2, a3_2);
            Vector512<float> v3 = Vector512.Load(x3 + p);
            a0_3 = Vector512.FusedMultiplyAdd(d0, v3, a0_3);
            a1_3 = Vector512.FusedMultiplyAdd(d1, v3, a1_3);
            a2_3 = Vector512.FusedMultiplyAdd(d2, v3, a2_3);
            a3_3 = Vector512.FusedMultiplyAdd(d3, v3, a3_3);
            Vector512<float> v4 = Vector512.Load(x4 + p);
            a0_4 = Vector512.FusedMultiplyAdd(d0, v4, a0_4);
            a1_4 = Vector512.FusedMultiplyAdd(d1, v4, a1_4);
            a2_4 = Vector512.FusedMultiplyAdd(d2, v4, a2_4);
            a3_4 = Vector512.FusedMultiplyAdd(d3, v4, a3_4);
            Vector512<float> v5 = Vector512.Load(x5 + p);
            a0_5 = Vector512.FusedMultiplyAdd(d0, v5, a0_5);
            a1_5 = Vector512.FusedMultiplyAdd(d1, v5, a1_5);
            a2_5 = Vector512.FusedMultiplyAdd(d2, v5, a2_5);
            a3_5 = Vector512.FusedMultiplyAdd(d3, v5, a3_5);
        }

        dw[0 * (nint)k + 0] += Vector512.Sum(a0_0);
        dw[0 * (nint)k + 1] += Vector512.Sum(a0_1);
        dw[0 * (nint)k + 2] += Vector512.Sum(a0_2);
        dw[0 * (nint)k + 3] += Vector512.Sum(a0_3);
        dw[0 * (nint)k + 4] += Vector512.Sum(a0_4);
        dw[0 * (nint)k + 5] += Vector512.Sum(a0_5);
        dw[1 * (nint)k + 0] += Vector512.Sum(a1_0);
        dw[1 * (nint)k + 1] += Vector512.Sum(a1_1);
        dw[1 * (nint)k + 2] += Vector512.Sum(a1_2);
        dw[1 * (nint)k + 3] += Vector512.Sum(a1_3);
        dw[1 * (nint)k + 4] += Vector512.Sum(a1_4);
        dw[1 * (nint)k + 5] += Vector512.Sum(a1_5);
        dw[2 * (nint)k + 0] += Vector512.Sum(a2_0);
        dw[2 * (nint)k + 1] += Vector512.Sum(a2_1);
        dw[2 * (nint)k + 2] += Vector512.Sum(a2_2);
        dw[2 * (nint)k + 3] += Vector512.Sum(a2_3);
        dw[2 * (nint)k + 4] += Vector512.Sum(a2_4);
        dw[2 * (nint)k + 5] += Vector512.Sum(a2_5);
        dw[3 * (nint)k + 0] += Vector512.Sum(a3_0);
        dw[3 * (nint)k + 1] += Vector512.Sum(a3_1);
        dw[3 * (nint)k + 2] += Vector512.Sum(a3_2);
        dw[3 * (nint)k + 3] += Vector512.Sum(a3_3);
        dw[3 * (nint)k + 4] += Vector512.Sum(a3_4);
        dw[3 * (nint)k + 5] += Vector512.Sum(a3_5);
    }

}
