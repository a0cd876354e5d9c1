using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;

namespace ThrowingPlugin;

/// <summary>Its constructor fails, like a plugin that cannot find its license file.</summary>
public sealed class ExplodingPlugin : IAdmmNnPlugin
{
    public ExplodingPlugin() => throw new InvalidOperationException("license file acme.lic not found");

    public PluginManifest Manifest => throw new NotSupportedException();

    public IReadOnlyList<IConstraintKind> Constraints => [];

    public IReadOnlyList<IHardwareTargetFactory> HardwareTargets => [];

    public IReadOnlyList<IModelFormat> ModelFormats => [];
}
