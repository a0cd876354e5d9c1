using System.Text;
using Spectre.Console;

namespace AdmmNn.Cli;

/// <summary>
/// A table for command output: a Spectre.Console table when the console is interactive, plain aligned text
/// otherwise (logs, pipes, tests, MSBuild), so scripts never see box-drawing characters or colour codes.
/// </summary>
public sealed class CliTable
{
    private readonly List<(string Header, bool AlignRight)> _columns = [];
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a column; numbers read best right-aligned.</summary>
    public CliTable AddColumn(string header, bool alignRight = false)
    {
        if (_rows.Count > 0) throw new InvalidOperationException("add every column before the first row");
        _columns.Add((header, alignRight));
        return this;
    }

    /// <summary>Adds a row with one cell per column.</summary>
    public CliTable AddRow(params string[] cells)
    {
        if (cells.Length != _columns.Count) throw new ArgumentException($"{cells.Length} cells for {_columns.Count} columns");
        _rows.Add(cells);
        return this;
    }

    /// <summary>Writes the table to <paramref name="console"/>'s output.</summary>
    public void Write(CliConsole console)
    {
        if (!console.IsInteractive)
        {
            console.Out.Write(ToPlainText());
            return;
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var (header, alignRight) in _columns)
        {
            var column = new TableColumn(new Text(header, new Style(decoration: Decoration.Bold)));
            table.AddColumn(alignRight ? column.RightAligned() : column);
        }

        foreach (var row in _rows) table.AddRow(row.Select(cell => (Spectre.Console.Rendering.IRenderable)new Text(cell)).ToArray());
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) });
        ansi.Write(table);
    }

    /// <summary>The table as plain text: a header, a rule of dashes, the rows; columns two spaces apart; one line per row.</summary>
    public string ToPlainText()
    {
        var widths = _columns.Select((c, i) => _rows.Select(r => r[i].Length).Append(c.Header.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells)
        {
            var parts = cells.Select((cell, i) => _columns[i].AlignRight ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            text.Append(string.Join("  ", parts).TrimEnd()).Append('\n');
        }

        Line(_columns.Select(c => c.Header).ToArray());
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in _rows) Line(row);
        return text.ToString();
    }
}
