using System.Reflection;
using AdmmNn.Abstractions.Plugins;
using AdmmNn.PluginHost.Catalog;
using AdmmNn.PluginHost.Discovery;

namespace AdmmNn.PluginHost.Loading;

/// <summary>
/// Loads one plugin assembly into its own unloadable context (<see cref="PluginAssembly"/>) and instantiates its plugin
/// types. Every failure becomes a <see cref="PluginLoadFailure"/> naming the path and the reason; nothing is thrown,
/// so one bad plugin never stops the others.
/// </summary>
public static class PluginLoader
{
    /// <summary>
    /// Loads <paramref name="candidate"/>; the result holds the accepted plugins, the refusals, and the loaded assembly
    /// (null when nothing was accepted: it is unloaded at once). Dispose the assembly to unload its plugins.
    /// </summary>
    public static (IReadOnlyList<LoadedPlugin> Plugins, IReadOnlyList<PluginLoadFailure> Failures, PluginAssembly? Assembly) Load(PluginCandidate candidate)
    {
        var path = candidate.AssemblyPath;
        var failures = new List<PluginLoadFailure>();
        PluginLoadFailure Fail(string reason) => new(path, candidate.Source, reason);

        if (!File.Exists(path)) return ([], [Fail("file not found")], null);
        PluginAssembly plugin;
        try
        {
            plugin = PluginAssembly.Load(path);
        }
        catch (BadImageFormatException)
        {
            return ([], [Fail("not a .NET assembly (bad image format)")], null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or System.Text.Json.JsonException or FormatException)
        {
            return ([], [Fail($"cannot read the plugin's dependencies (.deps.json): {OneLine(ex)}")], null);
        }
        catch (Exception ex) when (ex is FileLoadException or IOException)
        {
            return ([], [Fail($"cannot load the assembly: {OneLine(ex)}")], null);
        }

        Type[] types;
        try
        {
            types = plugin.Assembly.GetExportedTypes();
        }
        catch (Exception ex) when (ex is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            plugin.Dispose();
            var cause = ex is ReflectionTypeLoadException rtl ? rtl.LoaderExceptions.FirstOrDefault(e => e is not null) ?? ex : ex;
            return ([], [Fail($"types cannot be loaded (a missing or mismatched dependency?): {OneLine(cause)}")], null);
        }

        var pluginTypes = types.Where(IsPluginType).ToList();
        if (pluginTypes.Count == 0)
        {
            plugin.Dispose();
            var split = types.Any(t => t.GetInterfaces().Any(i => i.FullName == typeof(IAdmmNnPlugin).FullName));
            return ([], [Fail(split
                ? $"implements another copy of {typeof(IAdmmNnPlugin).FullName}: reference {SharedContracts.AssemblyName} with Private=false ExcludeAssets=runtime"
                : $"no public class implementing {typeof(IAdmmNnPlugin).FullName} with a public parameterless constructor")], null);
        }

        var loaded = new List<LoadedPlugin>();
        foreach (var type in pluginTypes)
        {
            var result = Instantiate(type, candidate);
            if (result.Plugin is not null) loaded.Add(result.Plugin);
            else failures.Add(Fail(result.Reason!));
        }
        if (loaded.Count > 0) return (loaded, failures, plugin);
        plugin.Dispose();
        return (loaded, failures, null);
    }

    /// <summary>Creates and checks one plugin object (used for built-in plugins too).</summary>
    public static (LoadedPlugin? Plugin, string? Reason) Accept(IAdmmNnPlugin instance, PluginSource source, string path)
    {
        try
        {
            var manifest = instance.Manifest ?? throw new InvalidOperationException("Manifest is null");
            if (manifest.ContractMajor != ContractVersion.Major)
                return (null, $"plugin '{manifest.Name}' is built against contract {manifest.ContractMajor}.{manifest.ContractMinor}; " +
                              $"this host supports {ContractVersion.Major}.x");
            if (manifest.ContractMinor > ContractVersion.Minor)
                return (null, $"plugin '{manifest.Name}' needs contract {manifest.ContractMajor}.{manifest.ContractMinor}; " +
                              $"this host has {ContractVersion.Major}.{ContractVersion.Minor}");
            if (string.IsNullOrWhiteSpace(manifest.Name)) return (null, "manifest has an empty name");
            // Touch every list now so a throwing property is reported at load, not in the middle of a command.
            _ = instance.Constraints.Count + instance.HardwareTargets.Count + instance.ModelFormats.Count;
            return (new LoadedPlugin(manifest, instance, source, path), null);
        }
        catch (Exception ex)
        {
            return (null, $"{instance.GetType().FullName} failed while describing itself: {OneLine(ex)}");
        }
    }

    private static (LoadedPlugin? Plugin, string? Reason) Instantiate(Type type, PluginCandidate candidate)
    {
        IAdmmNnPlugin instance;
        try
        {
            instance = (IAdmmNnPlugin)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            return (null, $"constructor of {type.FullName} threw {ex.InnerException.GetType().Name}: {OneLine(ex.InnerException)}");
        }
        catch (Exception ex)
        {
            return (null, $"cannot create {type.FullName}: {OneLine(ex)}");
        }
        return Accept(instance, candidate.Source, candidate.AssemblyPath);
    }

    private static bool IsPluginType(Type type) =>
        type is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }
        && typeof(IAdmmNnPlugin).IsAssignableFrom(type)
        && type.GetConstructor(Type.EmptyTypes) is not null;

    private static string OneLine(Exception ex) => ex.Message.ReplaceLineEndings(" ");
}
