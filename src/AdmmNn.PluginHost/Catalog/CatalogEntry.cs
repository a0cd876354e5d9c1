namespace AdmmNn.PluginHost.Catalog;

/// <summary>One extension (a target, format or constraint kind) with the plugin that provides it.</summary>
/// <typeparam name="T">The extension contract.</typeparam>
/// <param name="Item">The extension.</param>
/// <param name="Plugin">The plugin that provides it.</param>
public sealed record CatalogEntry<T>(T Item, LoadedPlugin Plugin);
