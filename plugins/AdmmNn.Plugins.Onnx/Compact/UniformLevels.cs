namespace AdmmNn.Plugins.Onnx.Compact;

/// <summary>Finds a float scale under which every value of a tensor is exactly <c>scale * q</c> for small integers q.</summary>
internal static class UniformLevels
{
    /// <summary>
    /// A scale s with <c>s * (float)q == v</c> bit for bit (the expression DequantizeLinear evaluates) for every distinct
    /// nonzero value v, with q in [<paramref name="qMin"/>, <paramref name="qMax"/>]; null when there is none.
    /// </summary>
    /// <remarks>
    /// The quantizer's step divides the smallest magnitude an integer number of times, so candidates are smallest / j
    /// (j = 1 .. qMax) and, because the quantizer may have rounded its scale differently, their two neighbours in ulps either side.
    /// </remarks>
    internal static float? FindScale(IReadOnlyCollection<float> nonZeroLevels, int qMin, int qMax)
    {
        if (nonZeroLevels.Count == 0) return null;
        foreach (var v in nonZeroLevels) if (!float.IsFinite(v)) return null;
        var byMagnitude = nonZeroLevels.OrderBy(MathF.Abs).ToArray();
        float smallest = MathF.Abs(byMagnitude[0]);
        int maxDivisor = Math.Max(-qMin, qMax);
        for (int j = 1; j <= maxDivisor; j++)
        {
            float s0 = smallest / j;
            if (!float.IsNormal(s0)) break;
            float down1 = MathF.BitDecrement(s0), up1 = MathF.BitIncrement(s0);
            foreach (var s in new[] { s0, down1, up1, MathF.BitDecrement(down1), MathF.BitIncrement(up1) })
                if (Fits(s, byMagnitude, qMin, qMax)) return s;
        }
        return null;
    }

    /// <summary>The integer level of <paramref name="value"/> under <paramref name="scale"/> (exact by construction after FindScale).</summary>
    internal static long Level(float value, float scale) => value == 0f ? 0 : (long)MathF.Round(value / scale);

    private static bool Fits(float s, float[] byMagnitude, int qMin, int qMax)
    {
        // The largest magnitude fails fastest for a wrong scale.
        for (int i = byMagnitude.Length - 1; i >= 0; i--)
        {
            var v = byMagnitude[i];
            var q = MathF.Round(v / s);
            if (q < qMin || q > qMax || q == 0f) return false;
            if (BitConverter.SingleToInt32Bits(s * q) != BitConverter.SingleToInt32Bits(v)) return false;
        }
        return true;
    }
}
