using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Unfolds image patches into columns (and folds them back) so a convolution becomes one matrix product.
/// Row r = (c·kh + i)·kw + j of the column matrix holds, for each output position, input pixel
/// (c, oh·sh − pt + i·dh, ow·sw − pl + j·dw), or 0 where that falls in the padding.
/// </summary>
internal static class Im2Col
{
    /// <summary>Writes the columns of one image (<paramref name="channels"/>×h×w at <paramref name="image"/>) into <paramref name="col"/>, each row starting at <paramref name="colOffset"/> with row stride <paramref name="ldCol"/>.</summary>
    public static void Unfold(ReadOnlySpan<float> image, in ConvShape g, int channels, Span<float> col, int colOffset, int ldCol)
    {
        int ohw = g.OutH * g.OutW;
        if (IsRowAligned(g))
        {
            UnfoldAligned(image, g, channels, col, colOffset, ldCol);
            return;
        }

        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = image.Slice(c * g.InH * g.InW, g.InH * g.InW);
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                for (int kj = 0; kj < g.KernelW; kj++, row++)
                {
                    Span<float> dst = col.Slice(row * ldCol + colOffset, ohw);
                    int colOffsetW = kj * g.DilationW - g.PadLeft;
                    // Valid output columns: 0 <= ow*sw + colOffsetW < InW.
                    int owStart = colOffsetW >= 0 ? 0 : (-colOffsetW + g.StrideW - 1) / g.StrideW;
                    int owEnd = g.InW - colOffsetW <= 0 ? 0 : Math.Min(g.OutW, (g.InW - colOffsetW + g.StrideW - 1) / g.StrideW);
                    for (int oh = 0; oh < g.OutH; oh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + ki * g.DilationH;
                        Span<float> d = dst.Slice(oh * g.OutW, g.OutW);
                        if ((uint)ih >= (uint)g.InH || owStart >= owEnd)
                        {
                            d.Clear();
                            continue;
                        }

                        // Rows are short (often 8–24 floats, one call per output row and tap): skip empty clears and
                        // copy inline rather than paying a library call per row.
                        if (owStart > 0)
                        {
                            d[..owStart].Clear();
                        }

                        if (owEnd < d.Length)
                        {
                            d[owEnd..].Clear();
                        }

                        ReadOnlySpan<float> src = plane.Slice(ih * g.InW, g.InW);
                        if (g.StrideW == 1)
                        {
                            CopyRow(src.Slice(owStart + colOffsetW, owEnd - owStart), d[owStart..owEnd]);
                        }
                        else
                        {
                            for (int ow = owStart; ow < owEnd; ow++)
                            {
                                d[ow] = src[ow * g.StrideW + colOffsetW];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds the columns back into one image's gradient (the adjoint of <see cref="Unfold"/>).</summary>
    public static void FoldAdd(ReadOnlySpan<float> col, int colOffset, int ldCol, in ConvShape g, int channels, Span<float> image)
    {
        int ohw = g.OutH * g.OutW;
        if (IsRowAligned(g))
        {
            FoldAddAligned(col, colOffset, ldCol, g, channels, image);
            return;
        }

        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            Span<float> plane = image.Slice(c * g.InH * g.InW, g.InH * g.InW);
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                for (int kj = 0; kj < g.KernelW; kj++, row++)
                {
                    ReadOnlySpan<float> srcRow = col.Slice(row * ldCol + colOffset, ohw);
                    int colOffsetW = kj * g.DilationW - g.PadLeft;
                    int owStart = colOffsetW >= 0 ? 0 : (-colOffsetW + g.StrideW - 1) / g.StrideW;
                    int owEnd = g.InW - colOffsetW <= 0 ? 0 : Math.Min(g.OutW, (g.InW - colOffsetW + g.StrideW - 1) / g.StrideW);
                    if (owStart >= owEnd)
                    {
                        continue;
                    }

                    for (int oh = 0; oh < g.OutH; oh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + ki * g.DilationH;
                        if ((uint)ih >= (uint)g.InH)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> s = srcRow.Slice(oh * g.OutW, g.OutW);
                        Span<float> dst = plane.Slice(ih * g.InW, g.InW);
                        if (g.StrideW == 1)
                        {
                            AddRow(dst.Slice(owStart + colOffsetW, owEnd - owStart), s[owStart..owEnd]);
                        }
                        else
                        {
                            for (int ow = owStart; ow < owEnd; ow++)
                            {
                                dst[ow * g.StrideW + colOffsetW] += s[ow];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// True when output rows are as wide as input rows and stride 1 (e.g. 3×3 pad 1, 1×1 pad 0): every tap's column row
    /// is then the input plane shifted by one constant offset, so it moves as one contiguous block instead of row by row.
    /// </summary>
    private static bool IsRowAligned(in ConvShape g) => g.StrideW == 1 && g.StrideH == 1 && g.OutW == g.InW;

    /// <summary>
    /// Valid output rows [oh0, oh1) and columns [ow0, ow1) of tap (ki, kj), and the flat input offset of output (0, 0).
    /// </summary>
    private static (int Oh0, int Oh1, int Ow0, int Ow1, int Shift) Tap(in ConvShape g, int ki, int kj)
    {
        int dh = ki * g.DilationH - g.PadTop, dw = kj * g.DilationW - g.PadLeft;
        int oh0 = Math.Clamp(-dh, 0, g.OutH), oh1 = Math.Clamp(g.InH - dh, oh0, g.OutH);
        int ow0 = Math.Clamp(-dw, 0, g.OutW), ow1 = Math.Clamp(g.InW - dw, ow0, g.OutW);
        return (oh0, oh1, ow0, ow1, dh * g.InW + dw);
    }

    /// <summary><see cref="Unfold"/> for row-aligned shapes: one block copy per tap, then the padding zeroed.</summary>
    private static void UnfoldAligned(ReadOnlySpan<float> image, in ConvShape g, int channels, Span<float> col, int colOffset, int ldCol)
    {
        int ow = g.OutW, ohw = g.OutH * ow, inHW = g.InH * g.InW;
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = image.Slice(c * inHW, inHW);
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                for (int kj = 0; kj < g.KernelW; kj++, row++)
                {
                    Span<float> dst = col.Slice(row * ldCol + colOffset, ohw);
                    var (oh0, oh1, ow0, ow1, shift) = Tap(g, ki, kj);
                    if (oh0 >= oh1 || ow0 >= ow1)
                    {
                        dst.Clear();
                        continue;
                    }

                    // Outputs [oh0·W + ow0, (oh1−1)·W + ow1) read input [that + shift) contiguously; the columns that
                    // wrapped across a row edge and the rows outside are padding, cleared after the copy.
                    int start = oh0 * ow + ow0, end = (oh1 - 1) * ow + ow1;
                    dst[..start].Clear();
                    plane.Slice(start + shift, end - start).CopyTo(dst[start..end]);
                    dst[end..].Clear();
                    if (ow0 > 0 || ow1 < ow)
                    {
                        for (int oh = oh0; oh < oh1; oh++)
                        {
                            // Clear this row's right padding and the next row's left padding (adjacent in memory).
                            int from = oh * ow + ow1, to = Math.Min(end, (oh + 1) * ow + ow0);
                            if (from < to)
                            {
                                dst[from..to].Clear();
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// <see cref="FoldAdd"/> for row-aligned shapes: per tap, one block add over each maximal run of valid outputs.
    /// Runs are split only at padding columns, so every input element receives exactly the sums the row-wise fold adds.
    /// </summary>
    private static void FoldAddAligned(ReadOnlySpan<float> col, int colOffset, int ldCol, in ConvShape g, int channels, Span<float> image)
    {
        int ow = g.OutW, ohw = g.OutH * ow, inHW = g.InH * g.InW;
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            Span<float> plane = image.Slice(c * inHW, inHW);
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                for (int kj = 0; kj < g.KernelW; kj++, row++)
                {
                    ReadOnlySpan<float> src = col.Slice(row * ldCol + colOffset, ohw);
                    var (oh0, oh1, ow0, ow1, shift) = Tap(g, ki, kj);
                    if (oh0 >= oh1 || ow0 >= ow1)
                    {
                        continue;
                    }

                    if (ow0 == 0 && ow1 == ow)
                    {
                        int start = oh0 * ow, end = oh1 * ow;
                        AddRow(plane.Slice(start + shift, end - start), src[start..end]);
                        continue;
                    }

                    for (int oh = oh0; oh < oh1; oh++)
                    {
                        int start = oh * ow + ow0, end = oh * ow + ow1;
                        AddRow(plane.Slice(start + shift, end - start), src[start..end]);
                    }
                }
            }
        }
    }

    /// <summary>d[i] = s[i] for a short row, inlined (see <see cref="AddRow"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(ReadOnlySpan<float> s, Span<float> d)
    {
        if (s.Length < d.Length)
        {
            throw new ArgumentException("Im2Col.CopyRow: source row shorter than destination.", nameof(s));
        }

        ref float dr = ref MemoryMarshal.GetReference(d);
        ref float sr = ref MemoryMarshal.GetReference(s);
        int n = d.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                Vector256.LoadUnsafe(ref sr, (nuint)i).StoreUnsafe(ref dr, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4)
            {
                Vector128.LoadUnsafe(ref sr, (nuint)i).StoreUnsafe(ref dr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dr, i) = Unsafe.Add(ref sr, i);
        }
    }

    /// <summary>
    /// d[i] += s[i]. Inlined rather than a TensorPrimitives call: rows here are often 8–24 floats (one per output row
    /// and kernel tap), where a library call's setup costs more than the adds. One float add per element, as before.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(Span<float> d, ReadOnlySpan<float> s)
    {
        if (s.Length < d.Length)
        {
            throw new ArgumentException("Im2Col.AddRow: source row shorter than destination.", nameof(s));
        }

        ref float dr = ref MemoryMarshal.GetReference(d);
        ref float sr = ref MemoryMarshal.GetReference(s);
        int n = d.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                (Vector256.LoadUnsafe(ref dr, (nuint)i) + Vector256.LoadUnsafe(ref sr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4)
            {
                (Vector128.LoadUnsafe(ref dr, (nuint)i) + Vector128.LoadUnsafe(ref sr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dr, i) += Unsafe.Add(ref sr, i);
        }
    }
}
