using System.Text.Json;
using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints.Kinds;

/// <summary>Constraint kind <c>filter</c>: keep the output channels (filters) with the largest L2 norm (settings: keep or ratio).</summary>
public sealed class FilterKind : IConstraintKind
{
    /// <inheritdoc />
    public string Name => "filter";

    /// <inheritdoc />
    public string Description => "keep the output channels (filters) with the largest L2 norm (settings: keep or ratio).";

    /// <inheritdoc />
    public IWeightProjection Create(WeightLayout layout, JsonElement settings)
    {
        return new FilterProjection(layout, TopK.CountFor(layout.Rows, SettingsReader.KeepFraction(settings)));
    }
}
