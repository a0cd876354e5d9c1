using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Compression;

/// <summary>
/// A plugin's quantization-phase projection over the whole tensor followed by the frozen pruning mask. Exact only when
/// the plugin's set keeps zeros at zero (true of level sets with a zero level); documented as such in docs/policy.md.
/// </summary>
internal sealed class MaskReapplyingProjection(IWeightProjection inner, bool[]? mask) : IWeightProjection
{
    public WeightLayout Layout => inner.Layout;

    public string Describe() => mask is null ? inner.Describe() : $"{inner.Describe()} (mask frozen)";

    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        inner.Project(input, output);
        if (mask is null) return;
        for (var i = 0; i < output.Length; i++) if (!mask[i]) output[i] = 0;
    }
}
