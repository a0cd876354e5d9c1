using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
}
