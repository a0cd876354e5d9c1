using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Winograd F(4×4, 3×3) forward convolution (Lavin &amp; Gray) for 3×3, stride-1, undilated, non-grouped convolutions on
/// planes up to 28 outputs wide: each 4×4 output tile is A^T[(G g G^T) ⊙ (B^T d B)]A from its 6×6 input tile d, so the
/// 36 multiply-adds per output of a direct 3×3 convolution become 36/16 = 2.25 per input channel, batched as 36
/// small GEMMs (one per transform point) over the tiles of a block of images.
/// <para>
/// Layout: a padded image row fits in two <see cref="Vector512"/> (4·tiles + 2 ≤ 32 floats), so the input transform
/// works on a whole tile row at once, one lane per tile: the vertical transform on whole rows, then the six strided
/// tile columns are picked by a two-register permute each and transformed horizontally; the output transform does the
/// reverse and interleaves its four columns back into rows by permutes. On narrow planes several tile rows share the
/// lanes of one vector (two per pass in the input transform when a padded row fits 16 floats, ⌊16 / tiles⌋ in the
/// output transform when an output row does). Transformed values are stored tile-major per
/// (point, channel) with no gaps between tile rows or images, so the GEMM (8 output channels × 48 tiles of FMAs,
/// weights broadcast) runs over contiguous tiles.
/// </para>
/// <para>
/// Every output is computed by one call in an order fixed by the shape (the image blocks depend on the shape only),
/// so results do not depend on the thread count. Error: the transforms multiply by up to 5 (B) and 8 (A) and divide by
/// up to 24 (G); against an exact 3×3 convolution the result differs by a few hundred float ulps of the largest
/// |input|·Σ|weights| of a tile, not ~Cin·9 ulps as the direct sum (see the tests for the bound used).
/// </para>
/// </summary>
internal static class WinogradConv
{
    /// <summary>Output tile edge (m of F(m×m, 3×3)).</summary>
    public const int Tile = 4;

    /// <summary>Input tile edge (m + 2) and transform points per tile (6×6).</summary>
    public const int Alpha = 6, Points = Alpha * Alpha;

    /// <summary>Floats of one zero-padded input row as the input transform sees it: two Vector512.</summary>
    public const int RowFloats = 32;

    /// <summary>Output channels per GEMM register tile.</summary>
    public const int ChannelBlock = 8;

    /// <summary>True where the kernel runs (AVX-512: the tile-column permutes are vpermt2ps).</summary>
    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>Whether the kernel computes this geometry: 3×3, stride 1, dilation 1, output rows at most 28 wide.</summary>
    public static bool Supports(in ConvShape g) =>
        g.KernelH == 3 && g.KernelW == 3 && g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1 && g.DilationW == 1
        && Tiles(g.OutW) * Tile + 2 <= RowFloats && g.OutH > 0;

    private static int Tiles(int outputs) => (outputs + Tile - 1) / Tile;

    /// <summary>About this many tiles per image block (see <see cref="BlockImages"/>).</summary>
    private const int TargetTiles = 48;

    /// <summary>
    /// Images per block for geometry <paramref name="g"/>: about <see cref="TargetTiles"/> tiles, i.e. 1 image of 28², 3 of
    /// 14², 12 of 7². The block's transformed input and products (36 points × channels × tiles each) then stay in L2;
    /// 96 tiles measured no faster.
    /// </summary>
    public static int BlockImages(in ConvShape g)
    {
        int tiles = Tiles(g.OutH) * Tiles(g.OutW);
        return Math.Max(1, (TargetTiles + tiles - 1) / tiles);
    }

    /// <summary>Sizes of one convolution shape on this kernel.</summary>
    internal sealed class Layout
    {

        public Layout(in ConvShape g, int cin, int cout)
        {
            if (!Supports(g))
            {
                throw new ArgumentException($"WinogradConv: {g} is not a 3×3 stride-1 convolution with output rows ≤ 28.");
            }

            G = g;
            Cin = cin;
            Cout = cout;
            TilesH = Tiles(g.OutH);
            TilesW = Tiles(g.OutW);
            ImagesPerBlock = BlockImages(g);
            // Stores write 16 lanes from each tile row's start: room for the last one's overhang, rounded to whole vectors.
            PositionStride = (ImagesPerBlock * TilesPerImage + 16 + 15) / 16 * 16;
            InputPointStride = OddLines(cin * PositionStride);
            ProductPointStride = OddLines(Blocks * ChannelBlock * PositionStride);
        }

        /// <summary>
        /// <paramref name="floats"/> rounded up to an odd number of 64-byte lines: the 36 points of a tile are read and
        /// written together, and strides of a multiple of 4 KiB would put them all in one L1 set (measured: 8× slower transforms).
        /// </summary>
        private static int OddLines(int floats)
        {
            int lines = (floats + 15) / 16;
            return (lines | 1) * 16;
        }

        /// <summary>Floats between the transformed input of consecutive points.</summary>
        public int InputPointStride { get; }

        /// <summary>Floats between the GEMM products of consecutive points.</summary>
        public int ProductPointStride { get; }

        public ConvShape G { get; }

        public int Cin { get; }

        public int Cout { get; }

        public int TilesH { get; }

        public int TilesW { get; }

        public int TilesPerImage => TilesH * TilesW;

        /// <summary>Images whose tiles one GEMM pass covers (fixed by the shape, never by the thread count).</summary>
        public int ImagesPerBlock { get; }

        /// <summary>Floats between consecutive (point, channel) rows of the transformed input and the products.</summary>
        public int PositionStride { get; }

        /// <summary>Register tiles of output channels (the last one zero-padded).</summary>
        public int Blocks => (Cout + ChannelBlock - 1) / ChannelBlock;

        /// <summary>Floats of the transformed weights (<see cref="TransformWeights"/>).</summary>
        public int PackedWeightFloats => Points * Blocks * ChannelBlock * Cin;

        /// <summary>Floats of one worker's input scratch: the block's transformed input.</summary>
        public int InputScratchFloats => Points * InputPointStride;

        /// <summary>Floats of one worker's output scratch: the block's GEMM products.</summary>
        public int OutputScratchFloats => Points * ProductPointStride;

        /// <summary>Blocks of images for a batch of <paramref name="n"/>.</summary>
        public int ImageBlocks(int n) => (n + ImagesPerBlock - 1) / ImagesPerBlock;

        /// <summary>Multiply-adds issued per image block (GEMM only), for the parallel loop's serial threshold.</summary>
        public long BlockMacs => (long)Points * Blocks * ChannelBlock * Cin * ImagesPerBlock * TilesPerImage;
    }

    /// <summary>
    /// U = G g G^T for every (output, input channel) pair of the Cout × Cin × 3 × 3 weights <paramref name="w"/>, packed as
    /// [point][channel block][input channel][8 output channels] (missing channels zero), computed in double and rounded once.
    /// </summary>
    public static void TransformWeights(Layout layout, ReadOnlySpan<float> w, Span<float> packed)
    {
        int cin = layout.Cin, cout = layout.Cout, blocks = layout.Blocks;
        if (w.Length < cout * cin * 9 || packed.Length < layout.PackedWeightFloats)
        {
            throw new ArgumentException("WinogradConv.TransformWeights: a buffer is smaller than the layout needs.");
        }

        packed[..layout.PackedWeightFloats].Clear();
        ReadOnlySpan<double> gm =
        [
            1.0 / 4, 0, 0,
            -1.0 / 6, -1.0 / 6, -1.0 / 6,
            -1.0 / 6, 1.0 / 6, -1.0 / 6,
            1.0 / 24, 1.0 / 12, 1.0 / 6,
            1.0 / 24, -1.0 / 12, 1.0 / 6,
            0, 0, 1,
        ];
        Span<double> gg = stackalloc double[Alpha * 3];
        for (int co = 0; co < cout; co++)
        {
            int blk = co / ChannelBlock, lane = co % ChannelBlock;
            for (int ci = 0; ci < cin; ci++)
            {
                ReadOnlySpan<float> k = w.Slice((co * cin + ci) * 9, 9);
                for (int a = 0; a < Alpha; a++)
                {
                    for (int j = 0; j < 3; j++)
                    {
                        gg[a * 3 + j] = gm[a * 3] * k[j] + gm[a * 3 + 1] * k[3 + j] + gm[a * 3 + 2] * k[6 + j];
                    }
                }

                for (int a = 0; a < Alpha; a++)
                {
                    for (int b = 0; b < Alpha; b++)
                    {
                        double u = gg[a * 3] * gm[b * 3] + gg[a * 3 + 1] * gm[b * 3 + 1] + gg[a * 3 + 2] * gm[b * 3 + 2];
                        packed[(((a * Alpha + b) * blocks + blk) * cin + ci) * ChannelBlock + lane] = (float)u;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The convolution of <paramref name="images"/> consecutive images of <paramref name="x"/> (Cin planes each) into
    /// <paramref name="y"/> (Cout planes each; <paramref name="yOffset"/> is y's index in the whole output, for the
    /// epilogue's residual), with <paramref name="bias"/> (Cout values or empty) added and the epilogue applied in
    /// registers as each output row is written. While the products are computed, the residual this block's output
    /// transform reads and <paramref name="upcoming"/> (the input of the block this worker will likely take next, or
    /// empty) are prefetched into L2.
    /// </summary>
    public static unsafe void Compute(Layout layout, ReadOnlySpan<float> x, int images, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias,
        Span<float> inputScratch, Span<float> outputScratch, Span<float> y, int yOffset, ConvEpilogue epilogue, ReadOnlySpan<float> upcoming = default)
    {
        var g = layout.G;
        int cin = layout.Cin, cout = layout.Cout, inPlane = g.InH * g.InW, outPlane = g.OutH * g.OutW;
        if (images < 1 || images > layout.ImagesPerBlock || x.Length < images * cin * inPlane || y.Length < images * cout * outPlane
            || packed.Length < layout.PackedWeightFloats || inputScratch.Length < layout.InputScratchFloats
            || outputScratch.Length < layout.OutputScratchFloats || (!bias.IsEmpty && bias.Length < cout))
        {
            throw new ArgumentException("WinogradConv.Compute: a buffer is smaller than the layout needs.");
        }

        float[]? residual = epilogue.Residual;
        if (residual is not null && (yOffset < 0 || (long)yOffset + images * cout * outPlane > residual.Length))
        {
            throw new ArgumentException("WinogradConv.Compute: the epilogue's residual is shorter than the output.");
        }

        Span<float> transformed = inputScratch[..layout.InputScratchFloats];
        int productFloats = Points * layout.ProductPointStride;
        Span<float> products = outputScratch[..productFloats];
        int tilesPerImage = layout.TilesPerImage;
        fixed (float* xp = x, tp = transformed, wp = packed, mp = products, up = upcoming, rsp = residual)
        {
            for (int i = 0; i < images; i++)
            {
                TransformInput(layout, xp + (long)i * cin * inPlane, tp, i * tilesPerImage, (nint)xp, (nint)(xp + x.Length));
            }

            var fetch = new MultiplyPrefetch(rsp is null ? null : rsp + yOffset, rsp is null ? 0 : images * cout * outPlane, up, upcoming.Length);
            Multiply(layout, tp, wp, mp, images * tilesPerImage, fetch);
            bool clamp = !float.IsNegativeInfinity(epilogue.Min) || !float.IsPositiveInfinity(epilogue.Max);
            fixed (float* yp = y, rp = residual)
            {
                // Rows are written in increasing address order over the whole block, so a whole-vector store that runs
                // past a row's end only touches outputs written later by this call: plain stores up to the block's end
                // (masked after it, where another block's outputs may be). Not when the residual overlaps y (the
                // overrun would clobber residual values not yet read). Residual reads past a row are discarded the same way.
                long outFloats = (long)images * cout * outPlane;
                bool overlaps = rp is not null && rp + residual!.Length > yp && yp + outFloats > rp;
                nint storeEnd = overlaps ? 0 : (nint)(yp + outFloats);
                nint residualEnd = rp is null ? 0 : (nint)(rp + residual!.Length);
                for (int i = 0; i < images; i++)
                {
                    for (int co = 0; co < cout; co++)
                    {
                        int plane = (i * cout + co) * outPlane;
                        TransformOutput(layout, mp, co, i * tilesPerImage, yp + plane, rp is null ? null : rp + yOffset + plane,
                            bias.IsEmpty ? 0f : bias[co], clamp, epilogue.Min, epilogue.Max, storeEnd, residualEnd);
                    }
                }
            }
        }
    }

    /// <summary>
    /// B^T d B for every tile of one image of x (Cin planes, from <paramref name="image"/>), read straight from its rows
    /// (no padded copy): padded row r, column q of a channel is x[r − padTop, q − padLeft], one 32-float window per row
    /// with the lanes outside the image zeroed (a plain load and a mask inside x, a masked load only at x's two ends:
    /// masked loads were measured slow here). Written at tile positions [<paramref name="position"/>, + tiles) of each
    /// (point, channel) row. Tile rows are written in increasing order, each store 16 lanes wide: a row's unused lanes
    /// are overwritten by the next row's tiles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TransformInput(Layout layout, float* image, float* transformed, int position, nint start, nint end)
    {
        var g = layout.G;
        int cin = layout.Cin, tilesW = layout.TilesW, stride = layout.PositionStride, inH = g.InH, inW = g.InW, inPlane = inH * inW;
        long pointStride = layout.InputPointStride;
        int q0 = Math.Min(RowFloats, g.PadLeft), copy = Math.Max(0, Math.Min(inW, RowFloats - q0));
        var keepLo = LaneMask.Inside(-q0, copy);
        var keepHi = LaneMask.Inside(16 - q0, copy);
        // Tiles read padded columns 0 .. 4·tiles + 1: when those fit in the low vector the high one is never needed.
        bool high = tilesW * Tile + 2 > 16;
        var four = Vector512.Create(4f);
        var five = Vector512.Create(5f);
        var two = Vector512.Create(2f);
        // Narrow rows (tiles in the low vector only) take two tile rows per pass: lanes [0, tilesW) are the first tile
        // row's tiles (padded column 4t + j of the first operand), lanes [tilesW, 2·tilesW) the next one's (column
        // 4t + j of the second operand, index 16 + 4t + j); both are stored by one vector, as the tiles are consecutive.
        bool pair = !high && layout.TilesH > 1;
        var lane4 = Vector512<int>.Indices;
        var idx = pair
            ? Vector512.ConditionalSelect(Vector512.LessThan(lane4, Vector512.Create(tilesW)), lane4 * 4, (lane4 - Vector512.Create(tilesW)) * 4 + Vector512.Create(16))
            : lane4 * 4;
        var i0 = idx;
        var i1 = idx + Vector512.Create(1);
        var i2 = idx + Vector512.Create(2);
        var i3 = idx + Vector512.Create(3);
        var i4 = idx + Vector512.Create(4);
        var i5 = idx + Vector512.Create(5);
        int step = pair ? 2 : 1;
        for (int c = 0; c < cin; c++)
        {
            // Column q of a padded row is channel[ih·inW + q].
            float* channel = image + (long)c * inPlane - q0;
            for (int tr = 0; tr < layout.TilesH; tr += step)
            {
                int ih = tr * Tile - g.PadTop;
                float* dst = transformed + (long)c * stride + position + tr * tilesW;
                var (e0l, e1l, e2l, e3l, e4l, e5l) = Transform6(
                    LoadRow(channel, ih, inH, inW, keepLo, start, end), LoadRow(channel, ih + 1, inH, inW, keepLo, start, end), LoadRow(channel, ih + 2, inH, inW, keepLo, start, end),
                    LoadRow(channel, ih + 3, inH, inW, keepLo, start, end), LoadRow(channel, ih + 4, inH, inW, keepLo, start, end), LoadRow(channel, ih + 5, inH, inW, keepLo, start, end), four, five, two);
                Vector512<float> e0h = default, e1h = default, e2h = default, e3h = default, e4h = default, e5h = default;
                if (high)
                {
                    float* upper = channel + 16;
                    (e0h, e1h, e2h, e3h, e4h, e5h) = Transform6(
                        LoadRow(upper, ih, inH, inW, keepHi, start, end), LoadRow(upper, ih + 1, inH, inW, keepHi, start, end), LoadRow(upper, ih + 2, inH, inW, keepHi, start, end),
                        LoadRow(upper, ih + 3, inH, inW, keepHi, start, end), LoadRow(upper, ih + 4, inH, inW, keepHi, start, end), LoadRow(upper, ih + 5, inH, inW, keepHi, start, end), four, five, two);
                }
                else if (pair && tr + 1 < layout.TilesH)
                {
                    int next = ih + Tile;
                    (e0h, e1h, e2h, e3h, e4h, e5h) = Transform6(
                        LoadRow(channel, next, inH, inW, keepLo, start, end), LoadRow(channel, next + 1, inH, inW, keepLo, start, end), LoadRow(channel, next + 2, inH, inW, keepLo, start, end),
                        LoadRow(channel, next + 3, inH, inW, keepLo, start, end), LoadRow(channel, next + 4, inH, inW, keepLo, start, end), LoadRow(channel, next + 5, inH, inW, keepLo, start, end), four, five, two);
                }

                Horizontal(e0l, e0h, dst + 0 * Alpha * pointStride, pointStride, i0, i1, i2, i3, i4, i5, four, five, two);
                Horizontal(e1l, e1h, dst + 1 * Alpha * pointStride, pointStride, i0, i1, i2, i3, i4, i5, four, five, two);
                Horizontal(e2l, e2h, dst + 2 * Alpha * pointStride, pointStride, i0, i1, i2, i3, i4, i5, four, five, two);
                Horizontal(e3l, e3h, dst + 3 * Alpha * pointStride, pointStride, i0, i1, i2, i3, i4, i5, four, five, two);
                Horizontal(e4l, e4h, dst + 4 * Alpha * pointStride, pointStride, i0, i1, i2, i3, i4, i5, four, five, two);
                Horizontal(e5l, e5h, dst + 5 * Alpha * pointStride, pointStride, i0, i1, i2, i3, i4, i5, four, five, two);
            }
        }
    }

    /// <summary>Row <paramref name="ih"/> of a channel (zero above and below the image), its lanes outside <paramref name="keep"/> zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> LoadRow(float* channel, int ih, int inH, int inW, Vector512<float> keep, nint start, nint end)
    {
        if ((uint)ih >= (uint)inH)
        {
            return Vector512<float>.Zero;
        }

        float* p = channel + (long)ih * inW;
        // Inside x: one plain load and a mask (masked loads whose window leaves the row are slow on some CPUs).
        return (nint)p >= start && (nint)(p + 16) <= end
            ? Vector512.ConditionalSelect(keep, Vector512.Load(p), Vector512<float>.Zero)
            : Avx512F.MaskLoad(p, keep, Vector512<float>.Zero);
    }

    /// <summary>Picks the six tile columns of one transformed row (lanes = tiles), transforms them and stores points (k, 0..5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Horizontal(Vector512<float> lo, Vector512<float> hi, float* dst, long pointStride,
        Vector512<int> i0, Vector512<int> i1, Vector512<int> i2, Vector512<int> i3, Vector512<int> i4, Vector512<int> i5,
        Vector512<float> four, Vector512<float> five, Vector512<float> two)
    {
        var (v0, v1, v2, v3, v4, v5) = Transform6(
            Avx512F.PermuteVar16x32x2(lo, i0, hi), Avx512F.PermuteVar16x32x2(lo, i1, hi), Avx512F.PermuteVar16x32x2(lo, i2, hi),
            Avx512F.PermuteVar16x32x2(lo, i3, hi), Avx512F.PermuteVar16x32x2(lo, i4, hi), Avx512F.PermuteVar16x32x2(lo, i5, hi), four, five, two);
        v0.Store(dst);
        v1.Store(dst + pointStride);
        v2.Store(dst + 2 * pointStride);
        v3.Store(dst + 3 * pointStride);
        v4.Store(dst + 4 * pointStride);
        v5.Store(dst + 5 * pointStride);
    }

    /// <summary>B^T d for six values: rows [4 0 −5 0 1 0], [0 −4 −4 1 1 0], [0 4 −4 −1 1 0], [0 −2 −1 2 1 0], [0 2 −1 −2 1 0], [0 4 0 −5 0 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) Transform6(
        Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3, Vector512<float> d4, Vector512<float> d5,
        Vector512<float> four, Vector512<float> five, Vector512<float> two)
    {
        var t0 = Vector512.FusedMultiplyAdd(-four, d2, d4);
        var t1 = Vector512.FusedMultiplyAdd(-four, d1, d3);
        var t2 = d4 - d2;
        var t3 = two * (d3 - d1);
        return (
            Vector512.FusedMultiplyAdd(four, d0, Vector512.FusedMultiplyAdd(-five, d2, d4)),
            t0 + t1,
            t0 - t1,
            t2 + t3,
            t2 - t3,
            Vector512.FusedMultiplyAdd(four, d1, Vector512.FusedMultiplyAdd(-five, d3, d5)));
    }

    /// <summary>
    /// The 36 GEMMs: products[point][co][t] = Σ_c U[point][co][c] · V[point][c][t] for t below <paramref name="tiles"/>
    /// (rounded up to 16 when the remainder runs on <see cref="Tile1"/>: the extra lanes compute values nobody reads).
    /// Each sum runs over c in order.
    /// </summary>
    private static unsafe void Multiply(Layout layout, float* transformed, float* packed, float* products, int tiles, MultiplyPrefetch fetch)
    {
        int cin = layout.Cin, blocks = layout.Blocks, stride = layout.PositionStride;
        int end = (tiles + 15) / 16 * 16, wide = end / 48 * 48;
        for (int point = 0; point < Points; point++)
        {
            float* v = transformed + (long)point * layout.InputPointStride;
            for (int b = 0; b < blocks; b++)
            {
                CachePrefetch.Share(fetch.Residual, fetch.ResidualFloats, point * blocks + b, Points * blocks);
                CachePrefetch.Share(fetch.Upcoming, fetch.UpcomingFloats, point * blocks + b, Points * blocks);
                float* w = packed + ((long)point * blocks + b) * cin * ChannelBlock;
                float* m = products + (long)point * layout.ProductPointStride + (long)b * ChannelBlock * stride;
                for (int t = 0; t < wide; t += 48)
                {
                    Tile3(v + t, stride, cin, w, m + t, stride);
                }

                if (tiles - wide <= SingleTileLimit)
                {
                    for (int t = wide; t < tiles; t++)
                    {
                        TileSingle(v + t, stride, cin, w, m + t, stride);
                    }
                }
                else
                {
                    for (int t = wide; t < end; t += 16)
                    {
                        Tile1(v + t, stride, cin, w, m + t, stride);
                    }
                }
            }
        }
    }

    /// <summary>What <see cref="Multiply"/> prefetches while it computes: the block's residual and the next block's input (null/0: none).</summary>
    private readonly unsafe struct MultiplyPrefetch(float* residual, int residualFloats, float* upcoming, int upcomingFloats)
    {
        public float* Residual { get; } = residual;

        public int ResidualFloats { get; } = residualFloats;

        public float* Upcoming { get; } = upcoming;

        public int UpcomingFloats { get; } = upcomingFloats;
    }

    /// <summary>8 output channels × 48 tiles: per input channel three loads, eight broadcast weights, 24 FMAs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile3(float* v, int vStride, int cin, float* w, float* m, int mStride)
    {
        Vector512<float> c0_0 = default, c0_1 = default, c0_2 = default, c1_0 = default, c1_1 = default, c1_2 = default;
        Vector512<float> c2_0 = default, c2_1 = default, c2_2 = default, c3_0 = default, c3_1 = default, c3_2 = default;
        Vector512<float> c4_0 = default, c4_1 = default, c4_2 = default, c5_0 = default, c5_1 = default, c5_2 = default;
        Vector512<float> c6_0 = default, c6_1 = default, c6_2 = default, c7_0 = default, c7_1 = default, c7_2 = default;
        for (int c = 0; c < cin; c++, v += vStride, w += ChannelBlock)
        {
            var x0 = Vector512.Load(v);
            var x1 = Vector512.Load(v + 16);
            var x2 = Vector512.Load(v + 32);
            var w0 = Vector512.Create(w[0]);
            c0_0 = Vector512.FusedMultiplyAdd(x0, w0, c0_0);
            c0_1 = Vector512.FusedMultiplyAdd(x1, w0, c0_1);
            c0_2 = Vector512.FusedMultiplyAdd(x2, w0, c0_2);
            var w1 = Vector512.Create(w[1]);
            c1_0 = Vector512.FusedMultiplyAdd(x0, w1, c1_0);
            c1_1 = Vector512.FusedMultiplyAdd(x1, w1, c1_1);
            c1_2 = Vector512.FusedMultiplyAdd(x2, w1, c1_2);
            var w2 = Vector512.Create(w[2]);
            c2_0 = Vector512.FusedMultiplyAdd(x0, w2, c2_0);
            c2_1 = Vector512.FusedMultiplyAdd(x1, w2, c2_1);
            c2_2 = Vector512.FusedMultiplyAdd(x2, w2, c2_2);
            var w3 = Vector512.Create(w[3]);
            c3_0 = Vector512.FusedMultiplyAdd(x0, w3, c3_0);
            c3_1 = Vector512.FusedMultiplyAdd(x1, w3, c3_1);
            c3_2 = Vector512.FusedMultiplyAdd(x2, w3, c3_2);
            var w4 = Vector512.Create(w[4]);
            c4_0 = Vector512.FusedMultiplyAdd(x0, w4, c4_0);
            c4_1 = Vector512.FusedMultiplyAdd(x1, w4, c4_1);
            c4_2 = Vector512.FusedMultiplyAdd(x2, w4, c4_2);
            var w5 = Vector512.Create(w[5]);
            c5_0 = Vector512.FusedMultiplyAdd(x0, w5, c5_0);
            c5_1 = Vector512.FusedMultiplyAdd(x1, w5, c5_1);
            c5_2 = Vector512.FusedMultiplyAdd(x2, w5, c5_2);
            var w6 = Vector512.Create(w[6]);
            c6_0 = Vector512.FusedMultiplyAdd(x0, w6, c6_0);
            c6_1 = Vector512.FusedMultiplyAdd(x1, w6, c6_1);
            c6_2 = Vector512.FusedMultiplyAdd(x2, w6, c6_2);
            var w7 = Vector512.Create(w[7]);
            c7_0 = Vector512.FusedMultiplyAdd(x0, w7, c7_0);
            c7_1 = Vector512.FusedMultiplyAdd(x1, w7, c7_1);
            c7_2 = Vector512.FusedMultiplyAdd(x2, w7, c7_2);
        }

        Store3(m, c0_0, c0_1, c0_2);
        Store3(m + mStride, c1_0, c1_1, c1_2);
        Store3(m + 2 * (long)mStride, c2_0, c2_1, c2_2);
        Store3(m + 3 * (long)mStride, c3_0, c3_1, c3_2);
        Store3(m + 4 * (long)mStride, c4_0, c4_1, c4_2);
        Store3(m + 5 * (long)mStride, c5_0, c5_1, c5_2);
        Store3(m + 6 * (long)mStride, c6_0, c6_1, c6_2);
        Store3(m + 7 * (long)mStride, c7_0, c7_1, c7_2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store3(float* m, Vector512<float> a, Vector512<float> b, Vector512<float> c)
    {
        a.Store(m);
        b.Store(m + 16);
        c.Store(m + 32);
    }

    /// <summary>
    /// Remainders of at most this many tiles after the 48-wide register tiles take <see cref="TileSingle"/> per tile
    /// (one image of 28² has 49 tiles: <see cref="Tile1"/> would spend a quarter of the block's FMAs on its last one).
    /// </summary>
    private const int SingleTileLimit = 4;

    /// <summary>
    /// 8 output channels × 1 tile: the channels in the lanes (the packed weights' 8-float rows), the tile's value
    /// broadcast; the same fused multiply-adds over c in the same order as <see cref="Tile3"/> and <see cref="Tile1"/>,
    /// so a tile's products are the same bits whichever kernel computes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TileSingle(float* v, int vStride, int cin, float* w, float* m, int mStride)
    {
        Vector256<float> acc = default;
        for (int c = 0; c < cin; c++, v += vStride, w += ChannelBlock)
        {
            acc = Vector256.FusedMultiplyAdd(Vector256.Create(*v), Vector256.Load(w), acc);
        }

        for (int lane = 0; lane < ChannelBlock; lane++)
        {
            m[(long)lane * mStride] = acc.GetElement(lane);
        }
    }

    /// <summary>8 output channels × 16 tiles (the remainder after the 48-wide tiles).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile1(float* v, int vStride, int cin, float* w, float* m, int mStride)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int c = 0; c < cin; c++, v += vStride, w += ChannelBlock)
        {
            var x = Vector512.Load(v);
            c0 = Vector512.FusedMultiplyAdd(x, Vector512.Create(w[0]), c0);
            c1 = Vector512.FusedMultiplyAdd(x, Vector512.Create(w[1]), c1);
            c2 = Vector512.FusedMultiplyAdd(x, Vector512.Create(w[2]), c2);
            c3 = Vector512.FusedMultiplyAdd(x, Vector512.Create(w[3]), c3);
            c4 = Vector512.FusedMultiplyAdd(x, Vector512.Create(w[4]), c4);
            c5 = Vector512.FusedMultiplyAdd(x, Vector512.Create(w[5]), c5);
            c6 = Vector512.FusedMultiplyAdd(x, Vector512.Create(w[6]), c6);
            c7 = Vector512.FusedMultiplyAdd(x, Vector512.Create(w[7]), c7);
        }

        c0.Store(m);
        c1.Store(m + mStride);
        c2.Store(m + 2 * (long)mStride);
        c3.Store(m + 3 * (long)mStride);
        c4.Store(m + 4 * (long)mStride);
        c5.Store(m + 5 * (long)mStride);
        c6.Store(m + 6 * (long)mStride);
        c7.Store(m + 7 * (long)mStride);
    }

    /// <summary>
    /// A^T M A for every tile of output channel <paramref name="co"/> of one image (tiles from <paramref name="position"/>)
    /// into its output plane <paramref name="y"/>, with the evaluation epilogue in registers: + bias, + residual (when
    /// not null), clamp to [lo, hi] (when <paramref name="clamp"/>), in that order, as <see cref="ConvEpilogue.Apply"/>.
    /// Rows are written with masked stores, so nothing outside the plane is touched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TransformOutput(Layout layout, float* products, int co, int position, float* y, float* residual,
        float bias, bool clamp, float lo, float hi, nint storeEnd, nint residualEnd)
    {
        int stride = layout.PositionStride, tilesW = layout.TilesW, outH = layout.G.OutH, outW = layout.G.OutW;
        long pointStride = layout.ProductPointStride;
        var two = Vector512.Create(2f);
        var four = Vector512.Create(4f);
        var eight = Vector512.Create(8f);
        var epilogue = new RowEpilogue(Vector512.Create(bias), clamp, Vector512.Create(lo), Vector512.Create(hi),
            LaneMask.Inside(0, outW), LaneMask.Inside(16, outW), outW > 16, storeEnd, residualEnd);
        float* m0 = products + (long)co * stride + position;
        // Narrow rows (at most 16 outputs, so at most 4 tiles) take ⌊16 / tilesW⌋ tile rows per load: lanes
        // [h·tilesW, (h + 1)·tilesW) hold tile row tr + h (tile rows are consecutive in the products); rows are still
        // written in increasing address order, tile row by tile row (the whole-vector stores rely on that order).
        int step = epilogue.High ? 1 : Math.Min(layout.TilesH, 16 / tilesW);
        for (int tr = 0; tr < layout.TilesH; tr += step)
        {
            float* m = m0 + tr * tilesW;
            // Vertical first, per tile column l: s_i,l = Σ_k A^T[i, k] · M[k, l].
            var (s00, s10, s20, s30) = Reduce6(Load(m, 0, pointStride), Load(m, 6, pointStride), Load(m, 12, pointStride), Load(m, 18, pointStride), Load(m, 24, pointStride), Load(m, 30, pointStride), two, four, eight);
            var (s01, s11, s21, s31) = Reduce6(Load(m, 1, pointStride), Load(m, 7, pointStride), Load(m, 13, pointStride), Load(m, 19, pointStride), Load(m, 25, pointStride), Load(m, 31, pointStride), two, four, eight);
            var (s02, s12, s22, s32) = Reduce6(Load(m, 2, pointStride), Load(m, 8, pointStride), Load(m, 14, pointStride), Load(m, 20, pointStride), Load(m, 26, pointStride), Load(m, 32, pointStride), two, four, eight);
            var (s03, s13, s23, s33) = Reduce6(Load(m, 3, pointStride), Load(m, 9, pointStride), Load(m, 15, pointStride), Load(m, 21, pointStride), Load(m, 27, pointStride), Load(m, 33, pointStride), two, four, eight);
            var (s04, s14, s24, s34) = Reduce6(Load(m, 4, pointStride), Load(m, 10, pointStride), Load(m, 16, pointStride), Load(m, 22, pointStride), Load(m, 28, pointStride), Load(m, 34, pointStride), two, four, eight);
            var (s05, s15, s25, s35) = Reduce6(Load(m, 5, pointStride), Load(m, 11, pointStride), Load(m, 17, pointStride), Load(m, 23, pointStride), Load(m, 29, pointStride), Load(m, 35, pointStride), two, four, eight);
            for (int half = 0; half < step; half++)
            {
                int oh = (tr + half) * Tile;
                if (oh >= outH)
                {
                    break;
                }

                int offset = half * tilesW;
                long at = (long)oh * outW;
                WriteRow(y + at, residual is null ? null : residual + at, Reduce6(s00, s01, s02, s03, s04, s05, two, four, eight), epilogue, offset);
                if (oh + 1 >= outH)
                {
                    break;
                }

                WriteRow(y + at + outW, residual is null ? null : residual + at + outW, Reduce6(s10, s11, s12, s13, s14, s15, two, four, eight), epilogue, offset);
                if (oh + 2 >= outH)
                {
                    break;
                }

                WriteRow(y + at + 2 * outW, residual is null ? null : residual + at + 2 * outW, Reduce6(s20, s21, s22, s23, s24, s25, two, four, eight), epilogue, offset);
                if (oh + 3 >= outH)
                {
                    break;
                }

                WriteRow(y + at + 3 * outW, residual is null ? null : residual + at + 3 * outW, Reduce6(s30, s31, s32, s33, s34, s35, two, four, eight), epilogue, offset);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> Load(float* m, int point, long pointStride) => Vector512.Load(m + point * pointStride);

    /// <summary>What <see cref="WriteRow"/> does besides interleaving: bias, clamp bounds, and the masks of the row's columns.</summary>
    private readonly record struct RowEpilogue(Vector512<float> Bias, bool Clamp, Vector512<float> Lo, Vector512<float> Hi, Vector512<float> KeepLo, Vector512<float> KeepHi, bool High, nint StoreEnd, nint ResidualEnd)
    {
        /// <summary>Whether 16 floats from <paramref name="p"/> may be stored whole (see <see cref="Compute"/>).</summary>
        public unsafe bool Whole(float* p) => (nint)(p + 16) <= StoreEnd;

        /// <summary>16 residual floats from <paramref name="p"/>: one plain load inside the array, else masked to the row's columns.</summary>
        public unsafe Vector512<float> Residual(float* p, Vector512<float> keep) =>
            (nint)(p + 16) <= ResidualEnd ? Vector512.Load(p) : Avx512F.MaskLoad(p, keep, Vector512<float>.Zero);

        public unsafe void Store(float* p, Vector512<float> keep, Vector512<float> v)
        {
            if (Whole(p))
            {
                v.Store(p);
            }
            else
            {
                Avx512F.MaskStore(p, keep, v);
            }
        }
    }

    /// <summary>
    /// Interleaves four column vectors (lanes = tiles) into one output row (column 4·tile + j from vector j: pairs (0, 1)
    /// and (2, 3) by one permute each, then a blend on j ≥ 2; second half: tiles 4–7), applies the epilogue and stores
    /// the row's columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void WriteRow(float* row, float* residual, (Vector512<float> Y0, Vector512<float> Y1, Vector512<float> Y2, Vector512<float> Y3) y,
        in RowEpilogue e, int tileOffset)
    {
        var x = Vector512<int>.Indices;
        var j = x & Vector512.Create(3);
        var pickLo = (x >>> 2) + ((j & Vector512.Create(1)) << 4) + Vector512.Create(tileOffset);
        var upper = Vector512.GreaterThanOrEqual(j, Vector512.Create(2)).AsSingle();
        var lo = Vector512.ConditionalSelect(upper, Avx512F.PermuteVar16x32x2(y.Y2, pickLo, y.Y3), Avx512F.PermuteVar16x32x2(y.Y0, pickLo, y.Y1)) + e.Bias;
        if (residual is not null)
        {
            lo += e.Residual(residual, e.KeepLo);
        }

        if (e.Clamp)
        {
            lo = Vector512.Min(Vector512.Max(lo, e.Lo), e.Hi);
        }

        e.Store(row, e.KeepLo, lo);
        if (!e.High)
        {
            // Rows of at most 16 outputs: the second half has no columns.
            return;
        }

        var pickHi = pickLo + Vector512.Create(4);
        var hi = Vector512.ConditionalSelect(upper, Avx512F.PermuteVar16x32x2(y.Y2, pickHi, y.Y3), Avx512F.PermuteVar16x32x2(y.Y0, pickHi, y.Y1)) + e.Bias;
        if (residual is not null)
        {
            hi += e.Residual(residual + 16, e.KeepHi);
        }

        if (e.Clamp)
        {
            hi = Vector512.Min(Vector512.Max(hi, e.Lo), e.Hi);
        }

        e.Store(row + 16, e.KeepHi, hi);
    }

    /// <summary>A^T m for six values: rows [1 1 1 1 1 0], [0 1 −1 2 −2 0], [0 1 1 4 4 0], [0 1 −1 8 −8 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) Reduce6(
        Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3, Vector512<float> m4, Vector512<float> m5,
        Vector512<float> two, Vector512<float> four, Vector512<float> eight)
    {
        var a = m1 + m2;
        var b = m1 - m2;
        var c = m3 + m4;
        var d = m3 - m4;
        return (m0 + a + c, Vector512.FusedMultiplyAdd(two, d, b), Vector512.FusedMultiplyAdd(four, c, a), Vector512.FusedMultiplyAdd(eight, d, b) + m5);
    }
}
