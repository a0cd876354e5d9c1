namespace AdmmNn.Abstractions.Plugins;

/// <summary>
/// The contract version a plugin assembly was compiled against, baked into it at its build:
/// <c>build/AdmmNn.Abstractions.targets</c> (shipped in the package, imported for every plugin project) adds
/// <c>[assembly: BuiltAgainstContract(ContractVersion.Major, ContractVersion.Minor)]</c>, and the compiler copies those
/// constants from the contracts assembly the plugin references. The host reads this attribute, not the manifest (whose
/// <see cref="PluginManifest.ForCurrentContract"/> runs inside the host's copy of the contracts and so reports the host's version).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class BuiltAgainstContractAttribute(int major, int minor) : Attribute
{
    /// <summary>The <see cref="ContractVersion.Major"/> of the contracts the plugin was compiled against.</summary>
    public int Major { get; } = major;

    /// <summary>The <see cref="ContractVersion.Minor"/> of the contracts the plugin was compiled against.</summary>
    public int Minor { get; } = minor;
}
