using System.Text.Json;
using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints.Kinds;

/// <summary>Constraint kind <c>ternary</c>: ternary levels {-a,0,+a} with the exactly optimal a (no settings).</summary>
public sealed class TernaryKind : IConstraintKind
{
    /// <inheritdoc />
    public string Name => "ternary";

    /// <inheritdoc />
    public string Description => "ternary levels {-a,0,+a} with the exactly optimal a (no settings).";

    /// <inheritdoc />
    public IWeightProjection Create(WeightLayout layout, JsonElement settings)
    {
        _ = settings;
        return new TernaryProjection(layout);
    }
}
