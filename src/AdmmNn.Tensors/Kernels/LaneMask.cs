using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Lane masks for the AVX-512 kernels' row ends and padding: which of a vector's sixteen lanes fall inside a range,
/// for masked loads, masked stores and blends.
/// </summary>
internal static class LaneMask
{
    /// <summary>
    /// All bits set in lane i when <paramref name="first"/> + i lies in [0, <paramref name="width"/>), zero elsewhere
    /// (a row of <paramref name="width"/> values seen from a vector that starts at its index <paramref name="first"/>,
    /// which may be negative: lanes left of the row, in its padding, are outside).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Inside(int first, int width) =>
        Vector512.LessThan((Vector512<int>.Indices + Vector512.Create(first)).AsUInt32(), Vector512.Create((uint)Math.Max(0, width))).AsSingle();
}
