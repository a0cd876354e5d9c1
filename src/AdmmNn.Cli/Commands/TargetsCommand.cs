using System.CommandLine;

namespace AdmmNn.Cli.Commands;

/// <summary><c>admmnn targets</c>: the hardware targets plugins provide; <c>--profile-of NAME</c> prints one's default profile.</summary>
public static class TargetsCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("targets", "List hardware targets (from plugins), or print a target's default profile JSON to copy and edit.");
        var profileOf = new Option<string>("--profile-of") { Description = "Print this target's default profile JSON and exit." };
        command.Options.Add(profileOf);
        command.SetAction(parse =>
        {
            var catalog = CliPlugins.LoadCatalog(parse, console);
            if (parse.GetValue(profileOf) is { } name)
            {
                console.Out.WriteLine(CliPlugins.ToSet(catalog).FindTarget(name).DefaultProfileJson);
                return ExitCodes.Ok;
            }
            var table = new CliTable().AddColumn("target").AddColumn("plugin").AddColumn("description");
            foreach (var entry in catalog.HardwareTargets)
                table.AddRow(entry.Item.Name, entry.Plugin.Manifest.Name, entry.Item.Description);
            table.Write(console);
            if (catalog.HardwareTargets.Count == 0) console.Error.WriteLine("no hardware targets found; check `admmnn plugins`");
            return ExitCodes.Ok;
        });
        return command;
    }
}
