using System.CommandLine;
using AdmmNn.PluginHost.Discovery;

namespace AdmmNn.Cli.Commands;

/// <summary><c>admmnn plugins</c>: every plugin found, loaded or refused, and where it came from.</summary>
public static class PluginsCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("plugins",
            $"List plugins: name, version, kind, contract version and source (built-in, plugins/ beside the tool, {PluginDiscovery.EnvironmentVariable}, --plugin), and plugins that failed to load with the reason.");
        command.SetAction(parse =>
        {
            var catalog = CliPlugins.LoadCatalog(parse, console, quiet: true);
            var table = new CliTable()
                .AddColumn("name").AddColumn("version").AddColumn("kind").AddColumn("contract").AddColumn("source").AddColumn("path");
            foreach (var plugin in catalog.Plugins)
            {
                var m = plugin.Manifest;
                table.AddRow(m.Name, m.Version.ToString(), plugin.Kinds, $"{m.ContractMajor}.{m.ContractMinor}", plugin.Source.Describe(), plugin.Path);
            }
            table.Write(console);
            var datasets = AdmmNn.Data.Formats.DatasetFormats.BuiltIn.Select(f => $"{f.Name} (built-in)")
                .Concat(catalog.Plugins.SelectMany(p => p.Instance.DatasetFormats.Select(f => $"{f.Name} ({p.Manifest.Name})")));
            console.Out.WriteLine($"dataset formats: {string.Join(", ", datasets)}");
            if (catalog.Failures.Count > 0)
            {
                console.Out.WriteLine();
                console.Out.WriteLine($"not loaded ({catalog.Failures.Count}):");
                foreach (var failure in catalog.Failures)
                    console.Out.WriteLine($"  {failure.Path} ({failure.Source.Describe()}): {failure.Reason}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
