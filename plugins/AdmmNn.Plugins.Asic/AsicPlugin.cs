using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;

namespace AdmmNn.Plugins.Asic;

/// <summary>The ASIC plugin: adds the <c>asic</c> hardware target.</summary>
public sealed class AsicPlugin : IAdmmNnPlugin
{
    /// <inheritdoc />
    public PluginManifest Manifest { get; } =
        PluginManifest.ForCurrentContract("asic", new Version(0, 1, 0), "ASIC accelerator energy/latency/area model (45 nm defaults)");

    /// <inheritdoc />
    public IReadOnlyList<IConstraintKind> Constraints { get; } = [];

    /// <inheritdoc />
    public IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; } = [new AsicTargetFactory()];

    /// <inheritdoc />
    public IReadOnlyList<IModelFormat> ModelFormats { get; } = [];
}
