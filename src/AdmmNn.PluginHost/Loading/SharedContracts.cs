using AdmmNn.Abstractions.Plugins;

namespace AdmmNn.PluginHost.Loading;

/// <summary>The contracts assembly the host shares with every plugin.</summary>
public static class SharedContracts
{
    /// <summary>Simple name of the contracts assembly (<c>AdmmNn.Abstractions</c>).</summary>
    public static string AssemblyName { get; } = typeof(IAdmmNnPlugin).Assembly.GetName().Name!;
}
