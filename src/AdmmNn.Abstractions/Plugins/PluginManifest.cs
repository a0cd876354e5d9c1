namespace AdmmNn.Abstractions.Plugins;

/// <summary>Identifies a plugin to the host and to users (<c>admmnn plugins</c>).</summary>
/// <param name="Name">Short unique name, e.g. <c>fpga</c> or <c>onnx</c>.</param>
/// <param name="Version">The plugin's own version.</param>
/// <param name="ContractMajor">The <see cref="ContractVersion.Major"/> the plugin was built against.</param>
/// <param name="ContractMinor">The <see cref="ContractVersion.Minor"/> the plugin was built against.</param>
/// <param name="Description">One line for listings.</param>
public sealed record PluginManifest(string Name, Version Version, int ContractMajor, int ContractMinor, string Description)
{
    /// <summary>A manifest stamped with the contract version this assembly defines.</summary>
    public static PluginManifest ForCurrentContract(string name, Version version, string description) =>
        new(name, version, ContractVersion.Major, ContractVersion.Minor, description);
}
