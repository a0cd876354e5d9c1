using System.Text.Json;
using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints.Kinds;

/// <summary>Constraint kind <c>unstructured</c>: at most round(keep x count) nonzeros per layer (settings: keep in (0,1] or ratio >= 1).</summary>
public sealed class UnstructuredKind : IConstraintKind
{
    /// <inheritdoc />
    public string Name => "unstructured";

    /// <inheritdoc />
    public string Description => "at most round(keep x count) nonzeros per layer (settings: keep in (0,1] or ratio >= 1).";

    /// <inheritdoc />
    public IWeightProjection Create(WeightLayout layout, JsonElement settings)
    {
        return new UnstructuredProjection(layout, TopK.CountFor(layout.Count, SettingsReader.KeepFraction(settings)));
    }
}
