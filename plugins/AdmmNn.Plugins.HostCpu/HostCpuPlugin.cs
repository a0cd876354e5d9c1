using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;

namespace AdmmNn.Plugins.HostCpu;

/// <summary>The host CPU plugin: adds the <c>host-cpu</c> target, measured rather than modeled.</summary>
public sealed class HostCpuPlugin : IAdmmNnPlugin
{
    /// <inheritdoc />
    public PluginManifest Manifest { get; } =
        PluginManifest.ForCurrentContract("host-cpu", new Version(0, 1, 0), "This machine's CPU, measured with the runtime's kernels");

    /// <inheritdoc />
    public IReadOnlyList<IConstraintKind> Constraints { get; } = [];

    /// <inheritdoc />
    public IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; } = [new HostCpuTargetFactory()];

    /// <inheritdoc />
    public IReadOnlyList<IModelFormat> ModelFormats { get; } = [];
}
