using System.Reflection;
using System.Runtime.Loader;

namespace AdmmNn.PluginHost.Loading;

/// <summary>
/// The load context of one plugin: its own dependencies come from its folder (through its <c>.deps.json</c>),
/// while the contracts assembly is deferred to the default context so that <c>is IAdmmNnPlugin</c> holds
/// across the boundary. Collectible, so a host may unload a plugin it no longer needs.
/// </summary>
public sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver resolver;

    /// <summary>Creates the context for the plugin assembly at <paramref name="pluginPath"/>.</summary>
    public PluginLoadContext(string pluginPath)
        : base($"AdmmNn plugin {Path.GetFileNameWithoutExtension(pluginPath)}", isCollectible: true)
    {
        PluginPath = pluginPath;
        resolver = new AssemblyDependencyResolver(pluginPath);
    }

    /// <summary>The plugin's main assembly.</summary>
    public string PluginPath { get; }

    /// <summary>Assemblies that must have one identity for host and plugins: the contracts.</summary>
    public static bool IsSharedAssembly(AssemblyName name) =>
        string.Equals(name.Name, SharedContracts.AssemblyName, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Null defers to the default context: the contracts (shared type identity) and framework assemblies.
        if (IsSharedAssembly(assemblyName)) return null;
        var path = resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
