using AdmmNn.Abstractions.Plugins;

namespace AdmmNn.PluginHost.Loading;

/// <summary>The contracts assembly the host shares with every plugin, so that a plugin's types <em>are</em> the host's contracts.</summary>
public static class SharedContracts
{
    /// <summary>Simple name of the contracts assembly (<c>AdmmNn.Abstractions</c>).</summary>
    public static string AssemblyName { get; } = typeof(IAdmmNnPlugin).Assembly.GetName().Name!;

    /// <summary>Types whose assemblies always come from the host's default load context.</summary>
    public static Type[] Types { get; } = [typeof(IAdmmNnPlugin)];
}
