using System.Text.Json;
using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints.Kinds;

/// <summary>Constraint kind <c>n:m</c>: at most n nonzeros in every m consecutive fan-in weights (settings: n, m).</summary>
public sealed class NmKind : IConstraintKind
{
    /// <inheritdoc />
    public string Name => "n:m";

    /// <inheritdoc />
    public string Description => "at most n nonzeros in every m consecutive fan-in weights (settings: n, m).";

    /// <inheritdoc />
    public IWeightProjection Create(WeightLayout layout, JsonElement settings)
    {
        var m = SettingsReader.RequiredInt(settings, "m", 1, 1024);
        var n = SettingsReader.RequiredInt(settings, "n", 1, m);
        return new NmProjection(layout, n, m);
    }
}
