using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints;

/// <summary>
/// Projection onto {W : every weight is one of ±s·m_j for one shared scale s}: the exact optimal scale
/// (<see cref="ScaledLevels.OptimalScale"/>), then nearest-level rounding. Used for equal-interval, power-of-two and
/// binary levels.
/// </summary>
public sealed class LevelProjection(WeightLayout layout, ScaledLevels levels, string name) : IWeightProjection
{
    /// <inheritdoc />
    public WeightLayout Layout { get; } = layout;

    /// <summary>The level set.</summary>
    public ScaledLevels Levels { get; } = levels;

    /// <summary>The scale chosen by the last <see cref="Project"/> call.</summary>
    public double LastScale { get; private set; }

    /// <inheritdoc />
    public string Describe() => $"{name}, {Levels.Magnitudes.Count * 2 - (Levels.HasZero ? 1 : 0)} levels";

    /// <inheritdoc />
    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        LastScale = Levels.OptimalScale(input);
        Levels.Round(input, output, LastScale);
    }
}
