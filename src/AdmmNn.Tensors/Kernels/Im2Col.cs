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
