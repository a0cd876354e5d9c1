using System.Reflection;
using AdmmNn.Abstractions.Plugins;
using AdmmNn.PluginHost.Discovery;

namespace AdmmNn.PluginHost.Catalog;

/// <summary>
/// Checks the contract version a plugin assembly was compiled against, from its <see cref="BuiltAgainstContractAttribute"/>
/// (constants baked in at the plugin's build). The manifest cannot be trusted for this:
/// <see cref="PluginManifest.ForCurrentContract"/> runs in the host and reports the host's version whatever the plugin was built against.
/// </summary>
internal static class ContractStamp
{
    /// <summary>Why <paramref name="plugin"/> is refused, or null when its stamp fits this host. Built-in plugins are the host's own.</summary>
    public static string? Refusal(LoadedPlugin plugin)
    {
        if (plugin.Source == PluginSource.BuiltIn) return null;
        var assembly = plugin.Instance.GetType().Assembly;
        var name = plugin.Manifest.Name;
        if (Read(assembly) is not var (major, minor))
            return $"plugin '{name}' carries no contract stamp ([assembly: {nameof(BuiltAgainstContractAttribute)}]); " +
                   "rebuild it against the AdmmNn.Abstractions package, whose build adds the stamp";
        if (major != ContractVersion.Major)
            return $"plugin '{name}' was compiled against contract {major}.{minor}; this host supports {ContractVersion.Major}.x";
        if (minor > ContractVersion.Minor)
            return $"plugin '{name}' was compiled against contract {major}.{minor}, newer than this host's {ContractVersion.Major}.{ContractVersion.Minor}; " +
                   $"update admmnn or build the plugin against contract {ContractVersion.Major}.{ContractVersion.Minor}";
        return null;
    }

    /// <summary>The stamp's (major, minor), read as metadata (the attribute type is matched by name, so a copy of the contracts counts too).</summary>
    private static (int Major, int Minor)? Read(Assembly assembly)
    {
        foreach (var attribute in assembly.GetCustomAttributesData())
        {
            if (attribute.AttributeType.FullName != typeof(BuiltAgainstContractAttribute).FullName) continue;
            var args = attribute.ConstructorArguments;
            if (args.Count == 2 && args[0].Value is int major && args[1].Value is int minor) return (major, minor);
        }
        return null;
    }
}
