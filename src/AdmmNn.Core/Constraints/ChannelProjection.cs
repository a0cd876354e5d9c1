using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints;

/// <summary>
/// Projection onto {W : at most k nonzero input channels}: an input channel is the slice <c>W[:, c, ...]</c> across
/// every filter; keep the k channels with the largest L2 norm.
/// </summary>
public sealed class ChannelProjection(WeightLayout layout, int keepCount) : IWeightProjection
{
    /// <inheritdoc />
    public WeightLayout Layout { get; } = layout;

    /// <summary>Input channels kept.</summary>
    public int KeepCount { get; } = keepCount;

    /// <summary>Input channels in the layer.</summary>
    public int Channels => Layout.Columns / Layout.KernelArea;

    /// <inheritdoc />
    public string Describe() => $"channel, keep {KeepCount} of {Channels} input channels";

    /// <inheritdoc />
    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        int cols = Layout.Columns, area = Layout.KernelArea, channels = Channels;
        var scores = new double[channels];
        for (var i = 0; i < input.Length; i++)
        {
            var c = i % cols / area;
            scores[c] += (double)input[i] * input[i];
        }
        var keep = TopK.Select(scores, KeepCount);
        for (var i = 0; i < input.Length; i++) output[i] = keep[i % cols / area] ? input[i] : 0f;
    }
}
