using AdmmNn.PluginHost.Catalog;

namespace AdmmNn.PluginHost.Discovery;

/// <summary>Plugin assemblies found, and paths that could not be used (reported, not thrown).</summary>
/// <param name="Candidates">Assemblies to load, without duplicates, in discovery order.</param>
/// <param name="Problems">Paths that do not exist or hold no recognizable plugin.</param>
public sealed record DiscoveryResult(IReadOnlyList<PluginCandidate> Candidates, IReadOnlyList<PluginLoadFailure> Problems);
