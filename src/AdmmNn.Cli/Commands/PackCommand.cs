using System.CommandLine;
using System.Globalization;
using AdmmNn.Core.Compression;
using AdmmNn.Diagnostics;
using AdmmNn.Runtime;
using AdmmNn.Runtime.Format;
using AdmmNn.Shared;

namespace AdmmNn.Cli.Commands;

/// <summary>
/// <c>admmnn pack compressed.onnx --out model.admmnn</c>: writes the packed runtime format, every weight tensor under the
/// cheapest exact encoding, and prints each tensor's encoding and the size breakdown.
/// </summary>
public static class PackCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("pack", "Pack a (compressed) model into the .admmnn runtime format and show where every bit goes.");
        var model = new Argument<string>("model") { Description = "Model file (.onnx, or a format a plugin adds)." };
        var output = new Option<string>("--out", "-o") { Description = "Packed file to write (.admmnn).", Required = true, HelpName = "FILE" };
        var maxBytes = new Option<long?>("--max-bytes") { Description = "Size gate: exit code 3 when the packed file is larger than this many bytes.", HelpName = "BYTES" };
        command.Arguments.Add(model);
        command.Options.Add(output);
        command.Options.Add(maxBytes);
        command.SetAction(parse => Run(console, CliPlugins.Load(parse, console, quiet: true).Models.Load(parse.GetValue(model)!), parse.GetValue(model)!,
            parse.GetValue(output)!, parse.GetValue(maxBytes)));
        return command;
    }

    private static int Run(CliConsole console, AdmmNn.Abstractions.Models.ModelGraph graph, string path, string outPath, long? maxBytes)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(outPath))!;
        if (!Directory.Exists(directory)) throw new UserErrorException($"{outPath}: folder '{directory}' does not exist");

        PackedModelSummary? summary = null;
        try
        {
            AtomicFile.Write(outPath, stream => summary = PackedModelWriter.Write(graph, stream));
        }
        catch (ArgumentException ex)
        {
            throw new UserErrorException($"{path}: cannot pack: {ex.Message}", inner: ex, code: DiagnosticCodes.Model);
        }

        var table = new CliTable()
            .AddColumn("tensor").AddColumn("shape").AddColumn("encoding").AddColumn("nonzeros", true).AddColumn("code bits", true)
            .AddColumn("index bits", true).AddColumn("fillers", true).AddColumn("codebook bits", true).AddColumn("total bits", true).AddColumn("bytes", true);
        foreach (var t in summary!.Tensors)
        {
            var p = t.Plan;
            var encoding = p.Levels == LevelKind.None ? Describe(p.Encoding) : $"{Describe(p.Encoding)} ({p.Levels.ToString().ToLowerInvariant()})";
            table.AddRow(t.Name, $"[{string.Join(",", t.Shape)}]", encoding, N(p.NonZeros), p.CodeBits.ToString(CultureInfo.InvariantCulture),
                !p.IsSparse ? "-" : p.IsRiceCoded ? $"Rice k={p.IndexBits}" : p.IndexBits.ToString(CultureInfo.InvariantCulture), N(p.FillerEntries), N(p.CodebookBits), N(p.TotalBits), N(p.PayloadBytes));
        }
        table.Write(console);

        long denseBytes = summary.Parameters * 4;
        long inputBytes = new FileInfo(path).Length;
        long fileBytes = summary.TotalBytes;
        console.Out.WriteLine();
        console.Out.WriteLine($"weights       {N(summary.Parameters)} values, {N(summary.Tensors.Sum(t => t.Plan.NonZeros))} nonzero; {N(denseBytes)} bytes as dense float32");
        console.Out.WriteLine($"payload       {N(summary.PayloadBytes)} bytes (= sum of ceil(total bits / 8) per tensor; {N(summary.TotalBits)} bits)");
        console.Out.WriteLine($"header+graph  {N(summary.HeaderAndGraphBytes)} bytes (header, graph, tensor directory, checksum)");
        console.Out.WriteLine($"file          {N(fileBytes)} bytes: {Ratio(denseBytes, fileBytes)} smaller than dense float32 weights, {Ratio(inputBytes, fileBytes)} smaller than {Path.GetFileName(path)} ({N(inputBytes)} bytes)");
        console.Out.WriteLine($"storage ratio {Ratio(32 * summary.Parameters, summary.TotalBits)} (32 x weights / total bits)");

        // Tell the user now, not at deployment, if the runtime cannot execute what was packed.
        try
        {
            var runtime = CompressedModel.Load(File.ReadAllBytes(outPath));
            console.Out.WriteLine($"runtime       {runtime.Layers.Count} weight layers: {runtime.Layers.Count(l => l.Kernel == "sparse")} sparse, {runtime.Layers.Count(l => l.Kernel == "dense")} dense kernels");
        }
        catch (InvalidModelException ex)
        {
            console.Error.WriteLine($"warning: {outPath} was written, but AdmmNn.Runtime cannot run it: {ex.Message}");
        }
        console.Out.WriteLine($"wrote         {outPath}");
        if (maxBytes is not { } limit) return ExitCodes.Ok;
        var gate = Gates.AtMost(Gates.MaxModelBytes, limit, new FileInfo(outPath).Length);
        if (gate.Passed) return ExitCodes.Ok;
        var failed = Gates.ToDiagnostic(gate, policy: null);
        console.Report(failed, failed.Message);
        return ExitCodes.GateFailed;
    }

    private static string Describe(TensorEncoding encoding) => encoding switch
    {
        TensorEncoding.Dense => "dense",
        TensorEncoding.Quantized => "quantized",
        TensorEncoding.Sparse => "sparse",
        TensorEncoding.SparseRice => "sparse",
        TensorEncoding.SparseQuantizedRice => "sparse+quantized",
        _ => "sparse+quantized",
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ratio(double numerator, double denominator) =>
        denominator <= 0 ? "inf x" : (numerator / denominator).ToString("F1", CultureInfo.InvariantCulture) + "x";
}
