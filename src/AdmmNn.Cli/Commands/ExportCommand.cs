using AdmmNn.Shared;
using System.CommandLine;
using System.Globalization;
using AdmmNn.Plugins.Onnx;
using AdmmNn.Plugins.Onnx.Compact;

namespace AdmmNn.Cli.Commands;

/// <summary>
/// <c>admmnn export model.onnx --out compact.onnx --compact</c>: writes a model as ONNX; with <c>--compact</c>, pruned weights
/// become sparse initializers and uniformly quantized ones INT8/INT4 initializers with DequantizeLinear, values unchanged,
/// for users who stay on ONNX Runtime.
/// </summary>
public static class ExportCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("export", "Write a model as ONNX; --compact stores pruned and quantized weights compactly for ONNX Runtime.");
        var model = new Argument<string>("model") { Description = "Model file (.onnx or a plugin format)." };
        var output = new Option<string>("--out", "-o") { Description = "ONNX file to write.", Required = true, HelpName = "FILE" };
        var compact = new Option<bool>("--compact") { Description = "Sparse initializers for pruned weights, INT8/INT4 + DequantizeLinear for quantized ones." };
        var opset = new Option<int?>("--opset") { Description = "Opset to write with --compact (21 enables INT4; default: the model's, at least 10).", HelpName = "N" };
        var noSparse = new Option<bool>("--no-sparse") { Description = "With --compact: no sparse initializers (for tools whose ONNX shape inference rejects them)." };
        command.Arguments.Add(model);
        command.Options.Add(output);
        command.Options.Add(compact);
        command.Options.Add(opset);
        command.Options.Add(noSparse);
        command.SetAction(parse => Run(console, parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(compact), parse.GetValue(opset), parse.GetValue(noSparse),
            () => CliPlugins.Load(parse, console, quiet: true).Models));
        return command;
    }

    private static int Run(CliConsole console, string path, string outPath, bool compact, int? opset, bool noSparse, Func<Core.Models.ModelStore> store)
    {
        if ((opset is not null || noSparse) && !compact) throw new UserErrorException("--opset and --no-sparse apply to --compact exports only");
        var graph = store().Load(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(outPath))!;
        if (!Directory.Exists(directory)) throw new UserErrorException($"{outPath}: folder '{directory}' does not exist");

        var floatBytes = new OnnxFormat().ToBytes(graph);
        CompactOnnxResult? result = compact ? CompactOnnxWriter.Export(graph, new CompactOnnxOptions { Opset = opset, SparseInitializers = !noSparse }) : null;
        var bytes = result?.Bytes ?? floatBytes;

        AtomicFile.Write(outPath, stream => stream.Write(bytes));

        if (result is not null)
        {
            var table = new CliTable().AddColumn("tensor").AddColumn("elements", true).AddColumn("nonzeros", true).AddColumn("levels", true)
                .AddColumn("stored as").AddColumn("bytes", true).AddColumn("note");
            foreach (var t in result.Tensors)
                table.AddRow(t.Name, N(t.ElementCount), N(t.NonZeros), t.Levels < 0 ? ">65,536" : N(t.Levels), CompactOnnxWriter.Describe(t), N(t.PayloadBytes), t.Note);
            table.Write(console);
            console.Out.WriteLine();
            console.Out.WriteLine($"opset         {result.Opset}");
            console.Out.WriteLine($"float ONNX    {N(floatBytes.Length)} bytes");
            console.Out.WriteLine($"compact ONNX  {N(bytes.Length)} bytes ({((double)floatBytes.Length / bytes.Length).ToString("F1", CultureInfo.InvariantCulture)}x smaller)");
        }
        else
        {
            console.Out.WriteLine($"ONNX          {N(bytes.Length)} bytes (opset {graph.OpsetVersion})");
        }
        console.Out.WriteLine($"wrote         {outPath}");
        return ExitCodes.Ok;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
