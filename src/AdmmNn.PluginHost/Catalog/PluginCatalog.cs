using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;
using AdmmNn.PluginHost.Discovery;
using AdmmNn.PluginHost.Loading;

namespace AdmmNn.PluginHost.Catalog;

/// <summary>
/// Every plugin the host accepted, the ones it refused (with reasons), and the extensions they add:
/// constraint kinds, hardware targets, model formats and dataset formats. Names are unique across the catalog; a later
/// plugin that repeats a plugin, target, format, dataset format or constraint name is refused and reported.
/// Disposing it unloads the plugins it loaded (built-in ones stay): do so when the verb is done with them.
/// </summary>
public sealed class PluginCatalog : IDisposable
{
    private readonly List<PluginAssembly> assemblies = [];
    private readonly List<LoadedPlugin> plugins = [];
    private readonly List<PluginLoadFailure> failures = [];
    private readonly List<CatalogEntry<IConstraintKind>> constraints = [];
    private readonly List<CatalogEntry<IHardwareTargetFactory>> targets = [];
    private readonly List<CatalogEntry<IModelFormat>> formats = [];
    private readonly List<CatalogEntry<IDatasetFormat>> datasets = [];

    /// <summary>
    /// Registers <paramref name="builtIn"/> plugins (in-process), then loads the discovered candidates in order.
    /// </summary>
    public static PluginCatalog Load(IEnumerable<IAdmmNnPlugin> builtIn, DiscoveryResult discovery)
    {
        var catalog = new PluginCatalog();
        foreach (var plugin in builtIn)
        {
            var path = plugin.GetType().Assembly.Location;
            var (loaded, reason) = PluginLoader.Accept(plugin, PluginSource.BuiltIn, path);
            if (loaded is not null) catalog.Add(loaded);
            else catalog.failures.Add(new PluginLoadFailure(path, PluginSource.BuiltIn, reason!));
        }
        catalog.failures.AddRange(discovery.Problems);
        foreach (var candidate in discovery.Candidates)
        {
            var (loaded, refused, assembly) = PluginLoader.Load(candidate);
            if (assembly is not null) catalog.assemblies.Add(assembly);
            catalog.failures.AddRange(refused);
            foreach (var plugin in loaded) catalog.Add(plugin);
        }
        return catalog;
    }

    /// <summary>Loads from the standard routes (tool folder, environment, <paramref name="commandLinePaths"/>).</summary>
    public static PluginCatalog LoadStandard(IEnumerable<IAdmmNnPlugin> builtIn, IEnumerable<string> commandLinePaths) =>
        Load(builtIn, PluginDiscovery.Discover(commandLinePaths));

    /// <summary>Accepted plugins, in load order.</summary>
    public IReadOnlyList<LoadedPlugin> Plugins => plugins;

    /// <summary>Refused plugins and unusable paths.</summary>
    public IReadOnlyList<PluginLoadFailure> Failures => failures;

    /// <summary>Constraint kinds from every plugin.</summary>
    public IReadOnlyList<CatalogEntry<IConstraintKind>> ConstraintKinds => constraints;

    /// <summary>Hardware target factories from every plugin.</summary>
    public IReadOnlyList<CatalogEntry<IHardwareTargetFactory>> HardwareTargets => targets;

    /// <summary>Model formats from every plugin.</summary>
    public IReadOnlyList<CatalogEntry<IModelFormat>> ModelFormats => formats;

    /// <summary>Dataset formats from every plugin (the built-in ones live in AdmmNn.Data, not in a plugin).</summary>
    public IReadOnlyList<CatalogEntry<IDatasetFormat>> DatasetFormats => datasets;

    /// <summary>The target named <paramref name="name"/> (case-insensitive), or null.</summary>
    public IHardwareTargetFactory? FindTarget(string name) =>
        targets.Find(t => string.Equals(t.Item.Name, name, StringComparison.OrdinalIgnoreCase))?.Item;

    /// <summary>The constraint kind named <paramref name="name"/> (case-insensitive), or null.</summary>
    public IConstraintKind? FindConstraintKind(string name) =>
        constraints.Find(c => string.Equals(c.Item.Name, name, StringComparison.OrdinalIgnoreCase))?.Item;

    /// <summary>The format that reads files with <paramref name="extension"/> (with the dot), or null.</summary>
    public IModelFormat? FindFormatByExtension(string extension) =>
        formats.Find(f => f.Item.FileExtensions.Any(e => string.Equals(e, extension, StringComparison.OrdinalIgnoreCase)))?.Item;

    /// <summary>Unloads every plugin assembly this catalog loaded; its extensions must not be used afterwards.</summary>
    public void Dispose()
    {
        foreach (var assembly in assemblies) assembly.Dispose();
        assemblies.Clear();
    }

    private void Add(LoadedPlugin plugin)
    {
        if (ContractStamp.Refusal(plugin) is { } refusal)
        {
            failures.Add(new PluginLoadFailure(plugin.Path, plugin.Source, refusal));
            return;
        }
        var name = plugin.Manifest.Name;
        var same = plugins.Find(p => string.Equals(p.Manifest.Name, name, StringComparison.OrdinalIgnoreCase));
        if (same is not null)
        {
            failures.Add(new PluginLoadFailure(plugin.Path, plugin.Source, $"plugin name '{name}' is already loaded from {same.Path}"));
            return;
        }
        string? clash;
        try
        {
            clash = FirstClash(plugin);
        }
        catch (Exception ex)
        {
            // A plugin whose extensions cannot even say their names is refused like any other broken plugin.
            failures.Add(new PluginLoadFailure(plugin.Path, plugin.Source, $"an extension failed while naming itself: {ex.Message.ReplaceLineEndings(" ")}"));
            return;
        }
        if (clash is not null)
        {
            failures.Add(new PluginLoadFailure(plugin.Path, plugin.Source, clash));
            return;
        }
        plugins.Add(plugin);
        constraints.AddRange(plugin.Instance.Constraints.Select(c => new CatalogEntry<IConstraintKind>(c, plugin)));
        targets.AddRange(plugin.Instance.HardwareTargets.Select(t => new CatalogEntry<IHardwareTargetFactory>(t, plugin)));
        formats.AddRange(plugin.Instance.ModelFormats.Select(f => new CatalogEntry<IModelFormat>(f, plugin)));
        datasets.AddRange(plugin.Instance.DatasetFormats.Select(d => new CatalogEntry<IDatasetFormat>(d, plugin)));
    }

    private string? FirstClash(LoadedPlugin plugin)
    {
        foreach (var t in plugin.Instance.HardwareTargets)
            if (targets.Find(e => string.Equals(e.Item.Name, t.Name, StringComparison.OrdinalIgnoreCase)) is { } other)
                return $"target '{t.Name}' is already provided by plugin '{other.Plugin.Manifest.Name}'";
        foreach (var c in plugin.Instance.Constraints)
            if (constraints.Find(e => string.Equals(e.Item.Name, c.Name, StringComparison.OrdinalIgnoreCase)) is { } other)
                return $"constraint kind '{c.Name}' is already provided by plugin '{other.Plugin.Manifest.Name}'";
        foreach (var f in plugin.Instance.ModelFormats)
            if (formats.Find(e => string.Equals(e.Item.Name, f.Name, StringComparison.OrdinalIgnoreCase)) is { } other)
                return $"model format '{f.Name}' is already provided by plugin '{other.Plugin.Manifest.Name}'";
        foreach (var d in plugin.Instance.DatasetFormats)
            if (datasets.Find(e => string.Equals(e.Item.Name, d.Name, StringComparison.OrdinalIgnoreCase)) is { } other)
                return $"dataset format '{d.Name}' is already provided by plugin '{other.Plugin.Manifest.Name}'";
        return null;
    }
}
