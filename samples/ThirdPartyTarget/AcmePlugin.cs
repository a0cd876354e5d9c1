using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;

namespace Acme.AdmmNn.Systolic;

/// <summary>The plugin entry point: the host finds this public type with a parameterless constructor.</summary>
public sealed class AcmePlugin : IAdmmNnPlugin
{
    /// <inheritdoc />
    public PluginManifest Manifest { get; } =
        PluginManifest.ForCurrentContract("acme", new Version(1, 2, 0), "Acme weight-stationary systolic array (sample third-party target)");

    /// <inheritdoc />
    public IReadOnlyList<IConstraintKind> Constraints { get; } = [];

    /// <inheritdoc />
    public IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; } = [new SystolicTargetFactory()];

    /// <inheritdoc />
    public IReadOnlyList<IModelFormat> ModelFormats { get; } = [];
}
