namespace AdmmNn.Abstractions.Plugins;

/// <summary>Contract 1.99: minor versions ahead of the host under test (far enough that the host's own bumps stay below it).</summary>
public static class ContractVersion
{
    /// <summary>Incremented on any breaking change to a public contract.</summary>
    public const int Major = 1;

    /// <summary>Incremented when contracts gain members in a compatible way.</summary>
    public const int Minor = 99;
}
