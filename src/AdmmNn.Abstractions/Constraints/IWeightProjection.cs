namespace AdmmNn.Abstractions.Constraints;

/// <summary>
/// The Euclidean projection onto one constraint set S for one weight tensor: the member of S nearest to the
/// input in the L2 norm. ADMM's Z-step calls it on <c>W + U</c>; the final hard projection calls it on <c>W</c>.
/// </summary>
public interface IWeightProjection
{
    /// <summary>The layout this projection was created for.</summary>
    WeightLayout Layout { get; }

    /// <summary>A short human-readable description, e.g. <c>unstructured, keep 25 of 500</c>.</summary>
    string Describe();

    /// <summary>
    /// Writes the projection of <paramref name="input"/> onto the set into <paramref name="output"/>.
    /// Both spans have <see cref="WeightLayout.Count"/> elements; they may be the same memory.
    /// Ties are broken deterministically (lower index first), so equal inputs give equal outputs.
    /// </summary>
    void Project(ReadOnlySpan<float> input, Span<float> output);
}
