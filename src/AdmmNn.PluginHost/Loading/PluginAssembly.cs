using System.Reflection;
using System.Runtime.Loader;
using McMasterPluginLoader = McMaster.NETCore.Plugins.PluginLoader;

namespace AdmmNn.PluginHost.Loading;

/// <summary>
/// One plugin assembly in its own unloadable load context (McMaster.NETCore.Plugins): its dependencies and native
/// libraries come from its folder, through its <c>.deps.json</c>, while <see cref="SharedContracts"/> always comes
/// from the host. <see cref="Dispose"/> unloads it once nothing refers to its types any more.
/// </summary>
public sealed class PluginAssembly : IDisposable
{
    private readonly McMasterPluginLoader loader;

    private PluginAssembly(McMasterPluginLoader loader, Assembly assembly)
    {
        this.loader = loader;
        Assembly = assembly;
    }

    /// <summary>The plugin's main assembly.</summary>
    public Assembly Assembly { get; }

    /// <summary>The load context the plugin lives in (collectible).</summary>
    public AssemblyLoadContext? LoadContext => AssemblyLoadContext.GetLoadContext(Assembly);

    /// <summary>
    /// Loads the assembly at <paramref name="path"/>. Throws what loading throws (bad image, unreadable
    /// <c>.deps.json</c>, missing file); <see cref="PluginLoader"/> turns that into a reported failure.
    /// </summary>
    public static PluginAssembly Load(string path)
    {
        var loader = McMasterPluginLoader.CreateFromAssemblyFile(path, isUnloadable: true, sharedTypes: SharedContracts.Types);
        try
        {
            return new PluginAssembly(loader, loader.LoadDefaultAssembly());
        }
        catch
        {
            loader.Dispose();
            throw;
        }
    }

    /// <summary>Starts unloading the plugin's context; the runtime frees it when its objects are gone.</summary>
    public void Dispose() => loader.Dispose();
}
