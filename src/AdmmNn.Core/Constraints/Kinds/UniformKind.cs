using System.Text.Json;
using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints.Kinds;

/// <summary>Constraint kind <c>uniform</c>: k-bit symmetric equal-interval levels {-q..q}*s, q = 2^(k-1)-1, with the exactly optimal scale s (settings: bits in [2,8]).</summary>
public sealed class UniformKind : IConstraintKind
{
    /// <inheritdoc />
    public string Name => "uniform";

    /// <inheritdoc />
    public string Description => "k-bit symmetric equal-interval levels {-q..q}*s, q = 2^(k-1)-1, with the exactly optimal scale s (settings: bits in [2,8]).";

    /// <inheritdoc />
    public IWeightProjection Create(WeightLayout layout, JsonElement settings)
    {
        var bits = SettingsReader.RequiredInt(settings, "bits", 2, 8);
        return new LevelProjection(layout, ScaledLevels.EqualInterval(bits), $"uniform {bits}-bit");
    }
}
