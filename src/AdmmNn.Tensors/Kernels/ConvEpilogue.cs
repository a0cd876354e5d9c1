using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// What a convolution does to its output while it is still in cache (evaluation-mode fusion): add a residual tensor of
/// the output's shape, then clamp to [<see cref="Min"/>, <see cref="Max"/>] (ReLU is [0, ∞), ReLU6-style Clip any
/// bounds). The default value does nothing.
/// </summary>
internal readonly record struct ConvEpilogue(float[]? Residual, float Min, float Max)
{
    /// <summary>No residual, no clamp.</summary>
    public static ConvEpilogue None => new(null, float.NegativeInfinity, float.PositiveInfinity);

    /// <summary>True when applying it would change nothing.</summary>
    public bool IsNone => Residual is null && float.IsNegativeInfinity(Min) && float.IsPositiveInfinity(Max);

    /// <summary>y = clamp(y + residual[offset..], Min, Max), in one pass (no residual: just the clamp).</summary>
    public void Apply(Span<float> y, int offset)
    {
        if (IsNone)
        {
            return;
        }

        float[]? residual = Residual;
        if (residual is not null && (uint)(offset + y.Length) > (uint)residual.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "ConvEpilogue: the residual is shorter than the output.");
        }

        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float rr = ref residual is null ? ref Unsafe.NullRef<float>() : ref residual[offset];
        bool hasResidual = residual is not null;
        float lo = Min, hi = Max;
        int n = y.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var lv = Vector512.Create(lo);
            var hv = Vector512.Create(hi);
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref yr, (nuint)i);
                if (hasResidual)
                {
                    v += Vector512.LoadUnsafe(ref rr, (nuint)i);
                }

                Vector512.Min(Vector512.Max(v, lv), hv).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var lv = Vector256.Create(lo);
            var hv = Vector256.Create(hi);
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref yr, (nuint)i);
                if (hasResidual)
                {
                    v += Vector256.LoadUnsafe(ref rr, (nuint)i);
                }

                Vector256.Min(Vector256.Max(v, lv), hv).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref yr, i);
            if (hasResidual)
            {
                v += Unsafe.Add(ref rr, i);
            }

            Unsafe.Add(ref yr, i) = MathF.Min(MathF.Max(v, lo), hi);
        }
    }

    /// <summary>
    /// Writes <paramref name="rows"/> rows of <paramref name="width"/> values from <paramref name="source"/> (rows
    /// <paramref name="sourceStride"/> apart: a kernel's staging grid) into the dense plane <paramref name="y"/> with this
    /// epilogue applied, or, when <paramref name="accumulate"/>, adds them into y (no epilogue). One pass over the rows in
    /// registers, instead of a copy per row and then a pass over the plane; the results are the same.
    /// </summary>
    public unsafe void StoreRows(ReadOnlySpan<float> source, int sourceStride, int rows, int width, Span<float> y, int offset, bool accumulate)
    {
        int plane = rows * width;
        if (rows == 0 || width == 0)
        {
            return;
        }

        if (source.Length < (rows - 1) * sourceStride + width || y.Length < plane)
        {
            throw new ArgumentException("ConvEpilogue.StoreRows: a buffer is smaller than the rows.");
        }

        float[]? residual = accumulate ? null : Residual;
        if (residual is not null && (uint)(offset + plane) > (uint)residual.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "ConvEpilogue: the residual is shorter than the output.");
        }

        if (!Avx512F.IsSupported)
        {
            for (int r = 0; r < rows; r++)
            {
                Span<float> dst = y.Slice(r * width, width);
                if (accumulate)
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(dst, source.Slice(r * sourceStride, width), dst);
                }
                else
                {
                    source.Slice(r * sourceStride, width).CopyTo(dst);
                }
            }

            if (!accumulate)
            {
                Apply(y[..plane], offset);
            }

            return;
        }

        var lo = Vector512.Create(accumulate ? float.NegativeInfinity : Min);
        var hi = Vector512.Create(accumulate ? float.PositiveInfinity : Max);
        int full = width / 16, rest = width % 16;
        var restMask = LaneMask.Inside(0, rest);
        fixed (float* sp = source, yp = y, rp = residual)
        {
            float* res = rp + offset;
            for (int r = 0; r < rows; r++)
            {
                float* src = sp + (nint)r * sourceStride, dst = yp + (nint)r * width;
                for (int c = 0; c <= full; c++)
                {
                    var mask = c < full ? Vector512<float>.AllBitsSet : restMask;
                    if (c == full && rest == 0)
                    {
                        break;
                    }

                    var v = Avx512F.MaskLoad(src + 16 * c, mask, Vector512<float>.Zero);
                    if (accumulate)
                    {
                        v = Avx512F.MaskLoad(dst + 16 * c, mask, Vector512<float>.Zero) + v;
                    }
                    else if (residual is not null)
                    {
                        v += Avx512F.MaskLoad(res + (nint)r * width + 16 * c, mask, Vector512<float>.Zero);
                    }

                    Avx512F.MaskStore(dst + 16 * c, mask, Vector512.Min(Vector512.Max(v, lo), hi));
                }
            }
        }
    }
}
