using AdmmNn.PluginHost.Discovery;

namespace AdmmNn.PluginHost.Catalog;

/// <summary>A plugin that could not be used: where it is, how it was found, and why it was refused.</summary>
/// <param name="Path">The assembly or folder at fault.</param>
/// <param name="Source">The discovery route that found it.</param>
/// <param name="Reason">One line for users, e.g. <c>built against contract 2.0; this host supports 1.x</c>.</param>
public sealed record PluginLoadFailure(string Path, PluginSource Source, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path} ({Source.Describe()}): {Reason}";
}
