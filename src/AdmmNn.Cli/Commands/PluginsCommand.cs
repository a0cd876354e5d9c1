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
            $"List plugins: name, version, kind, contract version and source (built-in, plugins/ beside the tool, {PluginDiscovery.EnvironmentVariable}, --plugin); the model formats, constraint kinds and hardware targets they add; and plugins that failed to load with the reason.");
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
            // What the plugins add, by kind: every extension a policy, --target or a model path can name.
            var extensions = new CliTable().AddColumn("extension").AddColumn("name").AddColumn("plugin").AddColumn("description");
            foreach (var format in catalog.ModelFormats)
                extensions.AddRow("model format", format.Item.Name, format.Plugin.Manifest.Name, string.Join(" ", format.Item.FileExtensions));
            foreach (var kind in catalog.ConstraintKinds)
                extensions.AddRow("constraint kind", kind.Item.Name, kind.Plugin.Manifest.Name, kind.Item.Description);
            foreach (var target in catalog.HardwareTargets)
                extensions.AddRow("hardware target", target.Item.Name, target.Plugin.Manifest.Name, target.Item.Description);
            foreach (var dataset in AdmmNn.Data.Formats.DatasetFormats.BuiltIn)
                extensions.AddRow("dataset format", dataset.Name, "built-in", dataset.Description);
            foreach (var dataset in catalog.DatasetFormats)
                extensions.AddRow("dataset format", dataset.Item.Name, dataset.Plugin.Manifest.Name, dataset.Item.Description);
            console.Out.WriteLine();
            extensions.Write(console);
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
