using AdmmNn.Abstractions.Plugins;
using AdmmNn.PluginHost.Discovery;

namespace AdmmNn.PluginHost.Catalog;

/// <summary>A plugin the host accepted.</summary>
/// <param name="Manifest">The plugin's manifest (read once, at load).</param>
/// <param name="Instance">The plugin object.</param>
/// <param name="Source">The discovery route that found it.</param>
/// <param name="Path">Its assembly's path (for built-in plugins, the host assembly's).</param>
public sealed record LoadedPlugin(PluginManifest Manifest, IAdmmNnPlugin Instance, PluginSource Source, string Path)
{
    /// <summary>What the plugin adds, e.g. <c>target</c>, <c>format</c>, <c>constraint</c>, <c>dataset</c> (comma-separated; <c>none</c>).</summary>
    public string Kinds
    {
        get
        {
            var kinds = new List<string>();
            if (Instance.HardwareTargets.Count > 0) kinds.Add("target");
            if (Instance.ModelFormats.Count > 0) kinds.Add("format");
            if (Instance.Constraints.Count > 0) kinds.Add("constraint");
            if (Instance.DatasetFormats.Count > 0) kinds.Add("dataset");
            return kinds.Count == 0 ? "none" : string.Join(",", kinds);
        }
    }
}
