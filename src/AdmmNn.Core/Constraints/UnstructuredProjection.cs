using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints;

/// <summary>Projection onto {W : at most k nonzeros}: keep the k largest magnitudes, zero the rest.</summary>
public sealed class UnstructuredProjection(WeightLayout layout, int keepCount) : IWeightProjection
{
    /// <inheritdoc />
    public WeightLayout Layout { get; } = layout;

    /// <summary>Nonzeros allowed.</summary>
    public int KeepCount { get; } = keepCount;

    /// <inheritdoc />
    public string Describe() => $"unstructured, keep {KeepCount} of {Layout.Count}";

    /// <inheritdoc />
    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        var scores = new double[input.Length];
        for (var i = 0; i < input.Length; i++) scores[i] = Math.Abs(input[i]);
        var keep = TopK.Select(scores, KeepCount);
        for (var i = 0; i < input.Length; i++) output[i] = keep[i] ? input[i] : 0f;
    }
}
