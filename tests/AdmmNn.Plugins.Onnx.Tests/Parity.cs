namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>Comparisons of two runtimes' logits.</summary>
internal static class Parity
{
    /// <summary>
    /// The largest per-sample relative difference: max over samples of max_i |a_i - b_i| / max_i |b_i|
    /// (relative to the sample's largest logit, so near-zero logits do not blow the ratio up).
    /// </summary>
    internal static double MaxRelativeDifference(float[] actual, float[] expected, int classes)
    {
        double worst = 0;
        for (int s = 0; s < expected.Length / classes; s++)
        {
            double scale = 0, diff = 0;
            for (int i = s * classes; i < (s + 1) * classes; i++)
            {
                scale = Math.Max(scale, Math.Abs(expected[i]));
                diff = Math.Max(diff, Math.Abs((double)actual[i] - expected[i]));
            }
            worst = Math.Max(worst, diff / Math.Max(scale, 1e-12));
        }
        return worst;
    }

    /// <summary>The index of the largest logit of each sample.</summary>
    internal static int[] ArgMax(float[] logits, int classes)
    {
        var result = new int[logits.Length / classes];
        for (int s = 0; s < result.Length; s++)
        {
            int best = 0;
            for (int i = 1; i < classes; i++)
                if (logits[s * classes + i] > logits[s * classes + best]) best = i;
            result[s] = best;
        }
        return result;
    }
}
