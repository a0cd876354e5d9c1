using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;

namespace AdmmNn.Plugins.MobileGpu;

/// <summary>The mobile GPU plugin: adds the <c>mobile-gpu</c> hardware target.</summary>
public sealed class MobileGpuPlugin : IAdmmNnPlugin
{
    /// <inheritdoc />
    public PluginManifest Manifest { get; } =
        PluginManifest.ForCurrentContract("mobile-gpu", new Version(0, 1, 0), "Mobile GPU roofline with a sparse-efficiency factor");

    /// <inheritdoc />
    public IReadOnlyList<IConstraintKind> Constraints { get; } = [];

    /// <inheritdoc />
    public IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; } = [new MobileGpuTargetFactory()];

    /// <inheritdoc />
    public IReadOnlyList<IModelFormat> ModelFormats { get; } = [];
}
