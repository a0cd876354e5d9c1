namespace AdmmNn.PluginHost.Discovery;

/// <summary>User-facing names of <see cref="PluginSource"/> values.</summary>
public static class PluginSourceNames
{
    /// <summary>A short label, e.g. <c>tool plugins/</c> or <c>--plugin</c>.</summary>
    public static string Describe(this PluginSource source) => source switch
    {
        PluginSource.BuiltIn => "built-in",
        PluginSource.ToolFolder => "tool plugins/",
        PluginSource.EnvironmentVariable => PluginDiscovery.EnvironmentVariable,
        PluginSource.CommandLine => "--plugin",
        _ => source.ToString(),
    };
}
