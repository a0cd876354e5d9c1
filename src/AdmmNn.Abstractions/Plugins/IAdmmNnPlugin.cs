using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;

namespace AdmmNn.Abstractions.Plugins;

/// <summary>
/// The entry point of a plugin assembly. The host instantiates every public, non-abstract type that
/// implements this interface and has a public parameterless constructor.
/// </summary>
public interface IAdmmNnPlugin
{
    /// <summary>Name, version and the contract version the plugin targets.</summary>
    PluginManifest Manifest { get; }

    /// <summary>Constraint kinds the plugin adds (may be empty).</summary>
    IReadOnlyList<IConstraintKind> Constraints { get; }

    /// <summary>Hardware targets the plugin adds (may be empty).</summary>
    IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; }

    /// <summary>Model formats the plugin adds (may be empty).</summary>
    IReadOnlyList<IModelFormat> ModelFormats { get; }

    /// <summary>Dataset formats the plugin adds (empty unless overridden; added in contract 1.1, so older plugins still load).</summary>
    IReadOnlyList<IDatasetFormat> DatasetFormats => [];
}
