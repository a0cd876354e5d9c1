using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;

namespace RowCapPlugin;

/// <summary>Adds the constraint kind <c>row-cap</c>.</summary>
public sealed class RowCapPlugin : IAdmmNnPlugin
{
    public PluginManifest Manifest { get; } = PluginManifest.ForCurrentContract("rowcap", new Version(1, 0), "row-cap: at most k nonzeros per output row");

    public IReadOnlyList<IConstraintKind> Constraints { get; } = [new RowCapKind()];

    public IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; } = [];

    public IReadOnlyList<IModelFormat> ModelFormats { get; } = [];
}
