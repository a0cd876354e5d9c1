using System.Text.Json;
using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints.Kinds;

/// <summary>Constraint kind <c>binary</c>: binary levels {-a,+a} with a = mean |w| (the exact optimum; no settings).</summary>
public sealed class BinaryKind : IConstraintKind
{
    /// <inheritdoc />
    public string Name => "binary";

    /// <inheritdoc />
    public string Description => "binary levels {-a,+a} with a = mean |w| (the exact optimum; no settings).";

    /// <inheritdoc />
    public IWeightProjection Create(WeightLayout layout, JsonElement settings)
    {
        _ = settings;
        return new LevelProjection(layout, new ScaledLevels([1.0]), "binary");
    }
}
