namespace AdmmNn.Abstractions.Plugins;

/// <summary>
/// The version of the contracts in this assembly. A plugin built against another <see cref="Major"/>
/// is refused by the host; a lower <see cref="Minor"/> is accepted.
/// </summary>
public static class ContractVersion
{
    /// <summary>Incremented on any breaking change to a public contract.</summary>
    public const int Major = 1;

    /// <summary>Incremented when contracts gain members in a compatible way.</summary>
    public const int Minor = 1;
}
