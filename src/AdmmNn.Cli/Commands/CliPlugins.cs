using System.CommandLine;
using System.Text.Json;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;
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

    /// <summary>Plugins compiled into the tool.</summary>
    public static IReadOnlyList<IAdmmNnPlugin> BuiltIn() => [new OnnxPlugin()];

    /// <summary>Loads the catalog for this invocation; refused plugins are warned about on stderr unless <paramref name="quiet"/>.</summary>
    public static PluginCatalog LoadCatalog(ParseResult parse, CliConsole console, bool quiet = false)
    {
        var catalog = PluginCatalog.LoadStandard(BuiltIn(), parse.GetValue(PluginPaths) ?? []);
        if (!quiet)
            foreach (var failure in catalog.Failures)
                console.Error.WriteLine($"warning: plugin {failure.Path} ({failure.Source.Describe()}) not loaded: {failure.Reason}");
        return catalog;
    }

    /// <summary>Model formats added by loaded (not built-in) plugins, for <see cref="BuiltInFormats.CreateStore"/>.</summary>
    public static IEnumerable<IModelFormat> PluginFormats(PluginCatalog catalog) =>
        catalog.ModelFormats.Where(f => f.Plugin.Source != PluginSource.BuiltIn).Select(f => f.Item);

    /// <summary>Dataset formats added by loaded plugins, tried after the built-in ones by <c>--data PATH</c>.</summary>
    public static IEnumerable<IDatasetFormat> PluginDatasetFormats(PluginCatalog catalog) =>
        catalog.Plugins.SelectMany(p => p.Instance.DatasetFormats);

    /// <summary>The factory named <paramref name="name"/>; a user error listing the known targets otherwise.</summary>
    public static IHardwareTargetFactory FindTarget(PluginCatalog catalog, string name) =>
        catalog.FindTarget(name) ?? throw new UserErrorException(
            $"unknown target '{name}' (known: {(catalog.HardwareTargets.Count == 0 ? "none" : string.Join(", ", catalog.HardwareTargets.Select(t => t.Item.Name)))}; " +
            "add one with --plugin PATH)");

    /// <summary>Creates the target from the profile file at <paramref name="profilePath"/> (null: the default profile).</summary>
    public static IHardwareTarget CreateTarget(PluginCatalog catalog, string name, string? profilePath)
    {
        var factory = FindTarget(catalog, name);
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
