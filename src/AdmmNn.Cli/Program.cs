using AdmmNn.Cli;

return CommandLineApp.Run(args, CliConsole.System);
