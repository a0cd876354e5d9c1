using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints;

/// <summary>
/// Exact projection onto {−a, 0, +a}^n (any a ≥ 0): for a support of size k the best support is the k largest
/// magnitudes with a = their mean, leaving error Σw² − S_k²/k; so sort magnitudes once and take the k maximizing
/// S_k²/k (the smallest such k on ties; lower index first among equal magnitudes).
/// </summary>
public sealed class TernaryProjection(WeightLayout layout) : IWeightProjection
{
    /// <inheritdoc />
    public WeightLayout Layout { get; } = layout;

    /// <inheritdoc />
    public string Describe() => "ternary {-a,0,+a}";

    /// <inheritdoc />
    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        var n = input.Length;
        var order = new int[n];
        var mags = new double[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            mags[i] = Math.Abs((double)input[i]);
        }
        Array.Sort(order, (a, b) =>
        {
            var c = mags[b].CompareTo(mags[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        double sum = 0, bestGain = 0;
        int bestK = 0;
        double bestSum = 0;
        for (var k = 1; k <= n; k++)
        {
            sum += mags[order[k - 1]];
            var gain = sum * sum / k;
            if (gain > bestGain)
            {
                bestGain = gain;
                bestK = k;
                bestSum = sum;
            }
        }
        var alpha = bestK == 0 ? 0f : (float)(bestSum / bestK);
        var keep = new bool[n];
        for (var k = 0; k < bestK; k++) keep[order[k]] = true;
        for (var i = 0; i < n; i++)
        {
            var w = input[i];
            output[i] = keep[i] ? (w < 0 ? -alpha : alpha) : 0f;
        }
    }
}
