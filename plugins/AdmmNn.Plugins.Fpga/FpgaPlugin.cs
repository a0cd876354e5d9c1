using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;

namespace AdmmNn.Plugins.Fpga;

/// <summary>The FPGA plugin: adds the <c>fpga</c> hardware target.</summary>
public sealed class FpgaPlugin : IAdmmNnPlugin
{
    /// <inheritdoc />
    public PluginManifest Manifest { get; } =
        PluginManifest.ForCurrentContract("fpga", new Version(0, 1, 0), "FPGA processing-element array cost model");

    /// <inheritdoc />
    public IReadOnlyList<IConstraintKind> Constraints { get; } = [];

    /// <inheritdoc />
    public IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; } = [new FpgaTargetFactory()];

    /// <inheritdoc />
    public IReadOnlyList<IModelFormat> ModelFormats { get; } = [];
}
