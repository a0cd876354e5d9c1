using AdmmNn.Core.Compression;

namespace AdmmNn.Core.Tests.Compression;

public sealed class PenaltyClippingTests
{
    [Fact]
    public void Threshold_is_the_factor_times_the_mean_nonzero_level_and_off_at_zero()
    {
        float[] z = [0, 0.2f, -0.2f, 0, 0.2f];
        Assert.Equal(0.1f, PenaltyClipping.Threshold(z, 0.5), 6);
        Assert.Equal(0.4f, PenaltyClipping.Threshold(z, 2), 6);
        Assert.True(float.IsPositiveInfinity(PenaltyClipping.Threshold(z, 0)));
        Assert.True(float.IsPositiveInfinity(PenaltyClipping.Threshold(new float[4], 0.5)));
        // Self-adapting: the threshold follows the levels Z moves to.
        Assert.Equal(0.5f, PenaltyClipping.Threshold([1f, -1f, 0], 0.5), 6);
    }

    [Fact]
    public void Penalty_gradient_is_clipped_per_weight_and_unchanged_without_clipping()
    {
        float[] w = [0.3f, 0.05f, -0.4f, 0f];
        float[] z = [0.2f, 0f, 0f, 0.2f];
        float[] u = [0f, 0.02f, -0.5f, 0f];
        var plain = new float[4];
        PenaltyClipping.AddPenaltyGradient(plain, w, z, u, 2f, float.PositiveInfinity);
        Assert.Equal(new[] { 0.2f, 0.14f, -1.8f, -0.4f }, plain.Select(v => MathF.Round(v, 5)));
        var clipped = new float[] { 1, 1, 1, 1 };
        PenaltyClipping.AddPenaltyGradient(clipped, w, z, u, 2f, 0.1f);
        // displacement w − z + u = 0.1, 0.07, −0.9, −0.2 → clipped to 0.1, 0.07, −0.1, −0.1; times ρ = 2, plus the 1 already there
        Assert.Equal(new[] { 1.2f, 1.14f, 0.8f, 0.8f }, clipped.Select(v => MathF.Round(v, 5)));
    }
}
