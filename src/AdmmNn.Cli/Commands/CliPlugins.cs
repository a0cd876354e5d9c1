using System.CommandLine;
using System.Text.Json;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;
using AdmmNn.Core.Plugins;
using AdmmNn.Diagnostics;
using AdmmNn.PluginHost.Catalog;
using AdmmNn.PluginHost.Discovery;
using AdmmNn.Plugins.Onnx;

namespace AdmmNn.Cli.Commands;

/// <summary>
/// The <c>--plugin</c> global option and the plugin catalog every verb uses: the ONNX plugin compiled in (built-in),
/// the bundled targets in <c>plugins/</c> beside the tool, <c>ADMMNN_PLUGIN_PATH</c>, then <c>--plugin</c> paths.
/// </summary>
public static class CliPlugins
{
    /// <summary>Global, repeatable: a plugin assembly or folder to load.</summary>
    public static readonly Option<string[]> PluginPaths = new("--plugin")
    {
        Description = $"Load a plugin (.dll or folder); repeatable. See also {PluginDiscovery.EnvironmentVariable}.",
        HelpName = "PATH",
        Recursive = true,
        Arity = ArgumentArity.ZeroOrMore,
    };

    // The catalogs loaded during the verb now running (null outside CommandLineApp.Run), unloaded when it is done.
    private static readonly AsyncLocal<List<PluginCatalog>?> VerbCatalogs = new();

    /// <summary>Plugins compiled into the tool.</summary>
    public static IReadOnlyList<IAdmmNnPlugin> BuiltIn() => [new OnnxPlugin()];

    /// <summary>Loads the catalog for this invocation; refused plugins are warned about on stderr unless <paramref name="quiet"/>.</summary>
    public static PluginCatalog LoadCatalog(ParseResult parse, CliConsole console, bool quiet = false)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(console);
        var catalog = PluginCatalog.LoadStandard(BuiltIn(), parse.GetValue(PluginPaths) ?? []);
        VerbCatalogs.Value?.Add(catalog);
        if (!quiet)
            foreach (var failure in catalog.Failures)
                console.Report(Diagnostic.Warning(DiagnosticCodes.ToolWarning, $"plugin not loaded ({failure.Source.Describe()}): {failure.Reason}", failure.Path),
                    $"plugin {failure.Path} ({failure.Source.Describe()}) not loaded: {failure.Reason}");
        return catalog;
    }

    /// <summary>
    /// Starts a verb: every catalog <see cref="LoadCatalog"/> loads until the result is disposed is unloaded then, so
    /// plugins live exactly as long as the verb that uses them (in-process hosts run many verbs).
    /// </summary>
    public static IDisposable BeginVerb()
    {
        var catalogs = new List<PluginCatalog>();
        VerbCatalogs.Value = catalogs;
        return new VerbScope(catalogs);
    }

    private sealed class VerbScope(List<PluginCatalog> catalogs) : IDisposable
    {
        public void Dispose()
        {
            VerbCatalogs.Value = null;
            foreach (var catalog in catalogs) catalog.Dispose();
            catalogs.Clear();
        }
    }

    /// <summary>
    /// The loaded plugins as every verb uses them: model formats (built-in first), constraint kinds and targets. Loads the
    /// catalog; see <see cref="LoadCatalog"/> for <paramref name="quiet"/>.
    /// </summary>
    public static PluginSet Load(ParseResult parse, CliConsole console, bool quiet = false) => ToSet(LoadCatalog(parse, console, quiet));

    /// <summary>The extensions of <paramref name="catalog"/> as a <see cref="PluginSet"/>.</summary>
    public static PluginSet ToSet(PluginCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        // The built-in formats lead, whether or not the catalog lists their plugin, so they win on a shared extension.
        var formats = BuiltInFormats.All.Concat(catalog.ModelFormats.Where(f => f.Plugin.Source != PluginSource.BuiltIn).Select(f => f.Item));
        return new PluginSet(formats, catalog.ConstraintKinds.Select(c => c.Item), catalog.HardwareTargets.Select(t => t.Item),
            catalog.DatasetFormats.Select(d => d.Item));
    }

    /// <summary>Creates the target from the profile file at <paramref name="profilePath"/> (null: the default profile).</summary>
    public static IHardwareTarget CreateTarget(PluginSet plugins, string name, string? profilePath)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        var factory = plugins.FindTarget(name);
        JsonElement? profile = null;
        if (profilePath is not null)
        {
            if (!File.Exists(profilePath)) throw new UserErrorException($"{profilePath}: profile file not found");
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(profilePath),
                    new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                profile = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new UserErrorException($"{profilePath}({(ex.LineNumber ?? 0) + 1},{(ex.BytePositionInLine ?? 0) + 1}): invalid JSON: {ex.Message.Split(" Path:")[0]}", inner: ex);
            }
        }
        try
        {
            return factory.Create(profile);
        }
        catch (ArgumentException ex)
        {
            throw new UserErrorException($"{profilePath ?? "default profile"}: {ex.Message}", inner: ex);
        }
    }
}
