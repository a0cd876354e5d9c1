using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;

namespace FutureContractPlugin;

/// <summary>Uses the documented manifest helper, which runs in the host and so reports the host's contract, not 1.99.</summary>
public sealed class NewerPlugin : IAdmmNnPlugin
{
    public PluginManifest Manifest { get; } = PluginManifest.ForCurrentContract("newer", new Version(1, 0), "compiled against contract 1.99");

    public IReadOnlyList<IConstraintKind> Constraints { get; } = [];

    public IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; } = [];

    public IReadOnlyList<IModelFormat> ModelFormats { get; } = [];
}
