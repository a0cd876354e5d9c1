using System.Text.Json;
using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints.Kinds;

/// <summary>Constraint kind <c>channel</c>: keep the input channels (across all filters) with the largest L2 norm (settings: keep or ratio).</summary>
public sealed class ChannelKind : IConstraintKind
{
    /// <inheritdoc />
    public string Name => "channel";

    /// <inheritdoc />
    public string Description => "keep the input channels (across all filters) with the largest L2 norm (settings: keep or ratio).";

    /// <inheritdoc />
    public IWeightProjection Create(WeightLayout layout, JsonElement settings)
    {
        var channels = layout.Columns / layout.KernelArea;
        return new ChannelProjection(layout, TopK.CountFor(channels, SettingsReader.KeepFraction(settings)));
    }
}
