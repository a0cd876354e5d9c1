using AdmmNn.PluginHost.Catalog;

namespace AdmmNn.PluginHost.Discovery;

/// <summary>
/// Finds plugin assemblies along the standard routes, in order: the <c>plugins/</c> folder beside the tool,
/// <c>ADMMNN_PLUGIN_PATH</c> (entries separated by <see cref="Path.PathSeparator"/>), then <c>--plugin PATH</c> options.
/// </summary>
/// <remarks>
/// A path may be a plugin assembly (<c>X.dll</c>) or a folder. A folder is read as: its own plugin when it holds
/// <c>&lt;folder name&gt;.dll</c> (a plugin's build or publish output); otherwise every <c>*.dll</c> in it that has a
/// <c>.deps.json</c> beside it, and every sub-folder read the same way one level down (<c>plugins/Name/Name.dll</c>).
/// Dependency DLLs have no <c>.deps.json</c> of their own, so they are not mistaken for plugins.
/// </remarks>
public static class PluginDiscovery
{
    /// <summary>The environment variable listing extra plugin paths.</summary>
    public const string EnvironmentVariable = "ADMMNN_PLUGIN_PATH";

    /// <summary>The <c>plugins/</c> folder beside the running tool.</summary>
    public static string ToolPluginFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>
    /// Discovers along every route. <paramref name="environmentValue"/> defaults to the process's
    /// <see cref="EnvironmentVariable"/>; <paramref name="toolFolder"/> to <see cref="ToolPluginFolder"/>.
    /// A missing tool folder is not a problem (the tool may ship without plugins); missing explicit paths are.
    /// </summary>
    public static DiscoveryResult Discover(IEnumerable<string> commandLinePaths, string? environmentValue = null, string? toolFolder = null)
    {
        var candidates = new List<PluginCandidate>();
        var problems = new List<PluginLoadFailure>();
        toolFolder ??= ToolPluginFolder;
        if (Directory.Exists(toolFolder)) Expand(toolFolder, PluginSource.ToolFolder, candidates, problems);
        environmentValue ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        foreach (var entry in SplitPathList(environmentValue))
            Expand(entry, PluginSource.EnvironmentVariable, candidates, problems);
        foreach (var path in commandLinePaths)
            Expand(path, PluginSource.CommandLine, candidates, problems);
        return new DiscoveryResult(Deduplicate(candidates), problems);
    }

    /// <summary>Splits a path list on <see cref="Path.PathSeparator"/>, dropping empty entries.</summary>
    public static IEnumerable<string> SplitPathList(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : value.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Adds the plugin assemblies <paramref name="path"/> stands for (see the type remarks).</summary>
    public static void Expand(string path, PluginSource source, List<PluginCandidate> candidates, List<PluginLoadFailure> problems)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            candidates.Add(new PluginCandidate(full, source));
            return;
        }
        if (!Directory.Exists(full))
        {
            problems.Add(new PluginLoadFailure(full, source, "path not found"));
            return;
        }
        if (ExpandFolder(full, source, candidates)) return;
        bool found = false, reported = false;
        foreach (var sub in Directory.EnumerateDirectories(full).Order(StringComparer.Ordinal))
        {
            if (ExpandFolder(sub, source, candidates)) found = true;
            else if (Directory.EnumerateFiles(sub, "*.dll").Any())
            {
                problems.Add(new PluginLoadFailure(sub, source,
                    $"folder holds no plugin assembly (expected {Path.GetFileName(sub)}.dll or a .dll with a .deps.json beside it)"));
                reported = true;
            }
        }
        if (!found && !reported && source != PluginSource.ToolFolder)
            problems.Add(new PluginLoadFailure(full, source, "folder holds no plugin assembly"));
    }

    /// <summary>One folder, without descending: its own plugin or its plugin DLLs. False when none.</summary>
    private static bool ExpandFolder(string folder, PluginSource source, List<PluginCandidate> candidates)
    {
        var own = Path.Combine(folder, Path.GetFileName(folder) + ".dll");
        if (File.Exists(own))
        {
            candidates.Add(new PluginCandidate(own, source));
            return true;
        }
        var withDeps = Directory.EnumerateFiles(folder, "*.dll")
            .Where(dll => File.Exists(Path.ChangeExtension(dll, ".deps.json")))
            .Order(StringComparer.Ordinal)
            .ToList();
        candidates.AddRange(withDeps.Select(dll => new PluginCandidate(dll, source)));
        return withDeps.Count > 0;
    }

    private static List<PluginCandidate> Deduplicate(List<PluginCandidate> candidates)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return candidates.Where(c => seen.Add(c.AssemblyPath)).ToList();
    }
}
