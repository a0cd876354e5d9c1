namespace AdmmNn.Tensors.Tests.Support;

/// <summary>Kernel output against a double-precision reference.</summary>
internal static class KernelAssert
{
    /// <summary>
    /// Every element within <paramref name="relative"/> × max(1, max |expected|) of the reference: one bound for the whole
    /// tensor, because float accumulation error grows with the magnitudes summed, not with each element's own size.
    /// </summary>
    public static void CloseToReference(double[] expected, float[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= relative * scale, $"{what}: element {i}: kernel {actual[i]} vs reference {expected[i]}");
        }
    }
}
