namespace AdmmNn.Core.Compression;

/// <summary>
/// Weight Penalty Clipping (WPC, after Yang, He and Fan, AAAI 2020): the ADMM penalty gradient ρ(W − Z + U) is applied
/// with its displacement W − Z + U clipped elementwise to [−τ, τ], with a threshold that follows the layer's own levels:
/// τ = factor × the mean |Z| over Z's nonzeros (for ternary Z: factor × a; with factor ½, exactly the ternary decision
/// threshold a/2), recomputed after every Z-step. A survivor near the threshold sits less than a/2 from either level,
/// so its pull stays that of plain ADMM; what is clipped is the pull that the accumulated dual U builds on a weight the
/// loss keeps pushing back across the threshold, which otherwise grows without bound and flips it back and forth
/// between 0 and ±a (and drags whole PE groups with it). Clipping bounds that force to ρτ, which still grows with ρ,
/// so the constraint wins in the end, but the loss gradient decides the borderline weights first.
/// </summary>
internal static class PenaltyClipping
{
    /// <summary>The clipping threshold for <paramref name="z"/>: factor × mean nonzero |z|; +∞ when off (factor 0) or Z is all zero.</summary>
    public static float Threshold(ReadOnlySpan<float> z, double factor)
    {
        if (!(factor > 0)) return float.PositiveInfinity;
        double sum = 0;
        var count = 0;
        foreach (var v in z)
        {
            if (v == 0) continue;
            sum += Math.Abs(v);
            count++;
        }
        return count == 0 ? float.PositiveInfinity : (float)(factor * sum / count);
    }

    /// <summary>Adds ρ·clip(w − z + u, ±τ) to <paramref name="grad"/>.</summary>
    public static void AddPenaltyGradient(Span<float> grad, ReadOnlySpan<float> w, ReadOnlySpan<float> z, ReadOnlySpan<float> u, float rho, float threshold)
    {
        if (float.IsPositiveInfinity(threshold))
        {
            for (var i = 0; i < grad.Length; i++) grad[i] += rho * (w[i] - z[i] + u[i]);
            return;
        }
        for (var i = 0; i < grad.Length; i++) grad[i] += rho * Math.Clamp(w[i] - z[i] + u[i], -threshold, threshold);
    }
}
