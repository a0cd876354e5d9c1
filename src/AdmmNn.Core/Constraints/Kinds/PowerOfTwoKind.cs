using System.Text.Json;
using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints.Kinds;

/// <summary>Constraint kind <c>pow2</c>: k-bit power-of-two levels {0, +-s*2^-e}, e = 0..2^(k-1)-2, with the exactly optimal scale s (settings: bits in [2,6]).</summary>
public sealed class PowerOfTwoKind : IConstraintKind
{
    /// <inheritdoc />
    public string Name => "pow2";

    /// <inheritdoc />
    public string Description => "k-bit power-of-two levels {0, +-s*2^-e}, e = 0..2^(k-1)-2, with the exactly optimal scale s (settings: bits in [2,6]).";

    /// <inheritdoc />
    public IWeightProjection Create(WeightLayout layout, JsonElement settings)
    {
        var bits = SettingsReader.RequiredInt(settings, "bits", 2, 6);
        return new LevelProjection(layout, ScaledLevels.PowerOfTwo(bits), $"power-of-two {bits}-bit");
    }
}
