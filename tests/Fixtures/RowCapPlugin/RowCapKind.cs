using System.Text.Json;
using AdmmNn.Abstractions.Constraints;

namespace RowCapPlugin;

/// <summary><c>{ "kind": "row-cap", "k": 3 }</c>: every output row (first dimension) keeps at most k nonzeros.</summary>
public sealed class RowCapKind : IConstraintKind
{
    public string Name => "row-cap";

    public string Description => "at most k nonzeros per output row";

    public IWeightProjection Create(WeightLayout layout, JsonElement settings)
    {
        if (settings.ValueKind != JsonValueKind.Object || !settings.TryGetProperty("k", out var k) || !k.TryGetInt32(out var cap))
            throw new ConstraintSettingsException("k", "k: is required (an integer >= 1)");
        if (cap < 1) throw new ConstraintSettingsException("k", $"k: must be >= 1, got {cap}");
        return new RowCapProjection(layout, cap);
    }
}
