using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Vectorized per-plane reductions and affine maps for normalization layers (one channel's H×W plane of one image).
/// Each function's summation order depends only on the plane length, never on threads, so results are reproducible.
/// </summary>
internal static class PlaneKernels
{
    /// <summary>Σ x.</summary>
    public static float Sum(ReadOnlySpan<float> x)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        float s = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var a0 = Vector512<float>.Zero;
            var a1 = Vector512<float>.Zero;
            for (; i <= n - 32; i += 32)
            {
                a0 += Vector512.LoadUnsafe(ref xr, (nuint)i);
                a1 += Vector512.LoadUnsafe(ref xr, (nuint)(i + 16));
            }

            for (; i <= n - 16; i += 16)
            {
                a0 += Vector512.LoadUnsafe(ref xr, (nuint)i);
            }

            s = Vector512.Sum(a0 + a1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var a0 = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                a0 += Vector256.LoadUnsafe(ref xr, (nuint)i);
            }

            s = Vector256.Sum(a0);
        }

        for (; i < n; i++)
        {
            s += Unsafe.Add(ref xr, i);
        }

        return s;
    }

    /// <summary>Σ (x − m)².</summary>
    public static float SumSquaredDeviation(ReadOnlySpan<float> x, float m)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        float s = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var mv = Vector512.Create(m);
            var a0 = Vector512<float>.Zero;
            var a1 = Vector512<float>.Zero;
            for (; i <= n - 32; i += 32)
            {
                var d0 = Vector512.LoadUnsafe(ref xr, (nuint)i) - mv;
                var d1 = Vector512.LoadUnsafe(ref xr, (nuint)(i + 16)) - mv;
                a0 = Vector512.FusedMultiplyAdd(d0, d0, a0);
                a1 = Vector512.FusedMultiplyAdd(d1, d1, a1);
            }

            for (; i <= n - 16; i += 16)
            {
                var d0 = Vector512.LoadUnsafe(ref xr, (nuint)i) - mv;
                a0 = Vector512.FusedMultiplyAdd(d0, d0, a0);
            }

            s = Vector512.Sum(a0 + a1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var mv = Vector256.Create(m);
            var a0 = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var d0 = Vector256.LoadUnsafe(ref xr, (nuint)i) - mv;
                a0 += d0 * d0;
            }

            s = Vector256.Sum(a0);
        }

        for (; i < n; i++)
        {
            float d = Unsafe.Add(ref xr, i) - m;
            s += d * d;
        }

        return s;
    }

    /// <summary>(Σ g, Σ g·(x − m)) in one pass.</summary>
    public static (float SumG, float SumGDev) SumAndDot(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float m)
    {
        if (x.Length < g.Length)
        {
            throw new ArgumentException("PlaneKernels.SumAndDot: x shorter than g.", nameof(x));
        }

        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float xr = ref MemoryMarshal.GetReference(x);
        int n = g.Length, i = 0;
        float sg = 0, sd = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var mv = Vector512.Create(m);
            var ag = Vector512<float>.Zero;
            var ad = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var gv = Vector512.LoadUnsafe(ref gr, (nuint)i);
                ag += gv;
                ad = Vector512.FusedMultiplyAdd(gv, Vector512.LoadUnsafe(ref xr, (nuint)i) - mv, ad);
            }

            sg = Vector512.Sum(ag);
            sd = Vector512.Sum(ad);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var mv = Vector256.Create(m);
            var ag = Vector256<float>.Zero;
            var ad = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var gv = Vector256.LoadUnsafe(ref gr, (nuint)i);
                ag += gv;
                ad += gv * (Vector256.LoadUnsafe(ref xr, (nuint)i) - mv);
            }

            sg = Vector256.Sum(ag);
            sd = Vector256.Sum(ad);
        }

        for (; i < n; i++)
        {
            float gv = Unsafe.Add(ref gr, i);
            sg += gv;
            sd += gv * (Unsafe.Add(ref xr, i) - m);
        }

        return (sg, sd);
    }

    /// <summary>y = x·a + b, optionally clamped at 0 (a fused ReLU).</summary>
    public static void Affine(ReadOnlySpan<float> x, float a, float b, Span<float> y, bool relu)
    {
        if (x.Length < y.Length)
        {
            throw new ArgumentException("PlaneKernels.Affine: x shorter than y.", nameof(x));
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int n = y.Length, i = 0;
        float floor = relu ? 0f : float.NegativeInfinity;
        if (Vector512.IsHardwareAccelerated)
        {
            var av = Vector512.Create(a);
            var bv = Vector512.Create(b);
            var fv = Vector512.Create(floor);
            for (; i <= n - 16; i += 16)
            {
                Vector512.Max(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i), av, bv), fv).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var av = Vector256.Create(a);
            var bv = Vector256.Create(b);
            var fv = Vector256.Create(floor);
            for (; i <= n - 8; i += 8)
            {
                Vector256.Max(Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), av, bv), fv).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) = MathF.Max(MathF.FusedMultiplyAdd(Unsafe.Add(ref xr, i), a, b), floor);
        }
    }

    /// <summary>dx += k·g + c·(x − m) + d (BatchNorm's input gradient with batch statistics; c = d = 0 without).</summary>
    public static void AddAffineGradient(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float m, float k, float c, float d, Span<float> dx)
    {
        if (g.Length < dx.Length || x.Length < dx.Length)
        {
            throw new ArgumentException("PlaneKernels.AddAffineGradient: g or x shorter than dx.", nameof(g));
        }

        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(dx);
        int n = dx.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var mv = Vector512.Create(m);
            var kv = Vector512.Create(k);
            var cv = Vector512.Create(c);
            var dv = Vector512.Create(d);
            for (; i <= n - 16; i += 16)
            {
                var t = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i) - mv, cv, dv);
                t = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref gr, (nuint)i), kv, t);
                (Vector512.LoadUnsafe(ref dr, (nuint)i) + t).StoreUnsafe(ref dr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var mv = Vector256.Create(m);
            var kv = Vector256.Create(k);
            var cv = Vector256.Create(c);
            var dv = Vector256.Create(d);
            for (; i <= n - 8; i += 8)
            {
                var t = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i) - mv, cv, dv);
                t = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref gr, (nuint)i), kv, t);
                (Vector256.LoadUnsafe(ref dr, (nuint)i) + t).StoreUnsafe(ref dr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float t = MathF.FusedMultiplyAdd(Unsafe.Add(ref xr, i) - m, c, d);
            Unsafe.Add(ref dr, i) += MathF.FusedMultiplyAdd(Unsafe.Add(ref gr, i), k, t);
        }
    }
}
