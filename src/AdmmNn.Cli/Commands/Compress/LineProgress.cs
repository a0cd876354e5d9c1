using System.Globalization;
using AdmmNn.Core.Compression;
using Spectre.Console;

namespace AdmmNn.Cli.Commands;

/// <summary>Progress as one line per report, synchronously (so lines keep their order); coloured only on a terminal.</summary>
internal sealed class LineProgress(CliConsole console) : IProgress<CompressionProgress>
{
    private readonly IAnsiConsole? _ansi = console.IsInteractive
        ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) })
        : null;

    public void Report(CompressionProgress p)
    {
        var ic = CultureInfo.InvariantCulture;
        string line;
        if (p.Iteration == 0 || p.Message.Length > 0 && double.IsNaN(p.Loss))
        {
            line = $"[{p.Phase}] {p.Message}";
        }
        else
        {
            line = string.Format(ic, "[{0}] iter {1} batch {2}/{3} loss {4:0.0000} acc {5:P2}", p.Phase, p.Iteration, p.Batch, p.TotalBatches, p.Loss, p.Accuracy);
            if (!double.IsNaN(p.PrimalResidual)) line += string.Format(ic, " primal {0:0.0000} dual {1:0.0000}", p.PrimalResidual, p.DualResidual);
            if (p.Message.Length > 0) line += " " + p.Message;
        }
        if (_ansi is not null) _ansi.MarkupLine(p.Iteration == 0 ? $"[bold]{Markup.Escape(line)}[/]" : Markup.Escape(line));
        else console.Out.WriteLine(line);
    }
}
