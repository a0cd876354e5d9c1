using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints;

/// <summary>
/// Sparse + quantized with a frozen mask: weights outside the mask are zero; the survivors are projected by
/// <see cref="Inner"/> (created for a 1-D layout of the survivor count). Exact when the inner set does not depend on
/// positions (level sets): the set is {W : W_off = 0, W_on ∈ S_inner}, which separates. Zero stays a level for
/// survivors when the inner set has it.
/// </summary>
public sealed class MaskedProjection : IWeightProjection
{
    private readonly int[] _survivors;

    /// <summary>Creates the projection; <paramref name="mask"/> has one flag per weight (true = survivor).</summary>
    public MaskedProjection(WeightLayout layout, bool[] mask, Func<WeightLayout, IWeightProjection> inner)
    {
        if (mask.Length != layout.Count) throw new ArgumentException($"mask has {mask.Length} flags, layout has {layout.Count} weights", nameof(mask));
        Layout = layout;
        Mask = mask;
        _survivors = [.. Enumerable.Range(0, mask.Length).Where(i => mask[i])];
        Inner = inner(new WeightLayout(layout.LayerName, layout.OpType, [_survivors.Length]));
    }

    /// <inheritdoc />
    public WeightLayout Layout { get; }

    /// <summary>The frozen mask (true = survivor).</summary>
    public bool[] Mask { get; }

    /// <summary>The projection applied to the survivors.</summary>
    public IWeightProjection Inner { get; }

    /// <inheritdoc />
    public string Describe() => $"{Inner.Describe()} on {_survivors.Length} of {Layout.Count} survivors (mask frozen)";

    /// <inheritdoc />
    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        var packed = new float[_survivors.Length];
        for (var j = 0; j < packed.Length; j++) packed[j] = input[_survivors[j]];
        Inner.Project(packed, packed);
        output.Clear();
        for (var j = 0; j < packed.Length; j++) output[_survivors[j]] = packed[j];
    }
}
