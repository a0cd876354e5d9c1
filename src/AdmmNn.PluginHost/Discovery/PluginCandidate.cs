namespace AdmmNn.PluginHost.Discovery;

/// <summary>An assembly that discovery believes is a plugin, and where it was found.</summary>
/// <param name="AssemblyPath">Full path of the plugin's main assembly.</param>
/// <param name="Source">The discovery route that found it.</param>
public sealed record PluginCandidate(string AssemblyPath, PluginSource Source);
