using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;

namespace ContractMajor2Plugin;

/// <summary>Claims contract 2.0, as a plugin built against a future, incompatible AdmmNn.Abstractions would.</summary>
public sealed class FuturePlugin : IAdmmNnPlugin
{
    public PluginManifest Manifest { get; } = new("future", new Version(9, 0), ContractMajor: 2, ContractMinor: 0, "built against contract 2.0");

    public IReadOnlyList<IConstraintKind> Constraints { get; } = [];

    public IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; } = [];

    public IReadOnlyList<IModelFormat> ModelFormats { get; } = [];
}
