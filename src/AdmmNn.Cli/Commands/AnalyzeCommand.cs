using System.CommandLine;
using System.Globalization;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Core.Hardware;

namespace AdmmNn.Cli.Commands;

/// <summary>
/// <c>admmnn analyze model.onnx --target fpga [--profile p.json]</c>: per layer, the shape, sparsity structure (as the
/// compressor recorded it in the model's metadata, else detected from the zeros), MACs, break-even pruning
/// ratio on the target, the current ratio, estimated dense and current latency, speed-up and (where modeled) energy.
/// </summary>
public static class AnalyzeCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("analyze", "Per-layer break-even pruning ratios and estimated speed-up/energy of a model on a hardware target.");
        var model = new Argument<string>("model") { Description = "Model file (.onnx)." };
        var target = new Option<string>("--target") { Description = "Hardware target (see `admmnn targets`).", Required = true };
        var profile = new Option<string>("--profile") { Description = "Target profile JSON (default: the target's; see `admmnn targets --profile-of NAME`)." };
        var inputShape = new Option<string>("--input-shape") { Description = "Per-sample input shape, e.g. 1,28,28 (default: from the model)." };
        var check = new Option<bool>("--check")
        {
            Description = "Also cost every layer at half and twice its break-even ratio (on host-cpu: fresh measurements) and say whether the prediction holds.",
        };
        command.Arguments.Add(model);
        command.Options.Add(target);
        command.Options.Add(profile);
        command.Options.Add(inputShape);
        command.Options.Add(check);
        command.SetAction(parse =>
        {
            var plugins = CliPlugins.Load(parse, console);
            var hardware = CliPlugins.CreateTarget(plugins, parse.GetValue(target)!, parse.GetValue(profile));
            var path = parse.GetValue(model)!;
            var graph = plugins.Models.Load(path);
            HardwareAnalysis analysis;
            try
            {
                analysis = BreakEvenAnalyzer.Analyze(hardware, graph, ParseShape(parse.GetValue(inputShape)));
            }
            catch (ShapeInferenceException ex)
            {
                throw new UserErrorException($"{path}: {ex.Message} with --input-shape", inner: ex, code: AdmmNn.Diagnostics.DiagnosticCodes.Model);
            }
            Write(console, Path.GetFileName(path), analysis);
            var recorded = StructureMetadata.Read(graph);
            var fromMetadata = analysis.Layers.Where(l => l.Workload.NonZeros < l.Workload.Weights && recorded.ContainsKey(l.Workload.Name)).Select(l => l.Workload.Name).ToList();
            if (fromMetadata.Count > 0)
                console.Out.WriteLine($"structure of {string.Join(", ", fromMetadata)} as recorded by the compressor ({StructureMetadata.KeyPrefix}*); the others detected from the zeros");
            if (parse.GetValue(check)) WriteCheck(console, hardware, analysis);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Writes the per-layer table and the totals.</summary>
    public static void Write(CliConsole console, string modelName, HardwareAnalysis analysis)
    {
        var energy = analysis.Layers.Any(l => !double.IsNaN(l.Dense.EnergyJoules));
        console.Out.WriteLine($"{modelName} on {analysis.TargetName} (batch 1)");
        var table = new CliTable()
            .AddColumn("layer").AddColumn("op").AddColumn("shape").AddColumn("structure").AddColumn("MACs", true).AddColumn("nonzeros", true)
            .AddColumn("ratio", true).AddColumn("break-even", true).AddColumn("dense us", true).AddColumn("current us", true)
            .AddColumn("speed-up", true);
        if (energy) table.AddColumn("dense uJ", true).AddColumn("current uJ", true);
        table.AddColumn("verdict");
        foreach (var row in analysis.Layers)
        {
            var w = row.Workload;
            var cells = new List<string>
            {
                w.Name, w.OpType, $"[{string.Join("x", w.WeightShape)}]", w.Structure, Count(w.DenseMacs), Count(w.NonZeros),
                Ratio(row.CurrentRatio), Ratio(row.BreakEvenRatio), Micro(row.Dense.LatencySeconds), Micro(row.Current.LatencySeconds),
                $"{row.SpeedUp.ToString("0.00", CultureInfo.InvariantCulture)}x",
            };
            if (energy) cells.AddRange([Micro(row.Dense.EnergyJoules), Micro(row.Current.EnergyJoules)]);
            cells.Add(Verdict(row));
            table.AddRow([.. cells]);
        }
        var total = new List<string>
        {
            "total", "", "", "", Count(analysis.Layers.Sum(l => l.Workload.DenseMacs)), Count(analysis.Layers.Sum(l => l.Workload.NonZeros)),
            Ratio((double)analysis.Layers.Sum(l => l.Workload.Weights) / Math.Max(1, analysis.Layers.Sum(l => l.Workload.NonZeros))), "",
            Micro(analysis.DenseLatency), Micro(analysis.CurrentLatency), $"{analysis.SpeedUp.ToString("0.00", CultureInfo.InvariantCulture)}x",
        };
        if (energy) total.AddRange([Micro(analysis.DenseEnergy), Micro(analysis.CurrentEnergy)]);
        total.Add($"storage {Kilobytes(analysis.DenseStorageBits)} -> {Kilobytes(analysis.CurrentStorageBits)} KB");
        table.AddRow([.. total]);
        table.Write(console);
    }

    private static void WriteCheck(CliConsole console, IHardwareTarget target, HardwareAnalysis analysis)
    {
        console.Out.WriteLine();
        console.Out.WriteLine("break-even check: sparse/dense latency at half and at twice the break-even ratio (expect > 1, then < 1)");
        var table = new CliTable().AddColumn("layer").AddColumn("break-even", true).AddColumn("at 0.5x", true)
            .AddColumn("at 2x", true).AddColumn("prediction");
        foreach (var row in analysis.Layers)
        {
            var w = row.Workload;
            var be = row.BreakEvenRatio;
            if (!double.IsFinite(be))
            {
                table.AddRow(w.Name, Ratio(be), "", "", "sparse never pays: not checked");
                continue;
            }
            var structure = w.Structure == "dense" ? "unstructured" : w.Structure;
            var dense = target.EstimateDense(w with { NonZeros = w.Weights, IndexBits = 0, Structure = "dense" }).LatencySeconds;
            double? Relative(double ratio) => ratio < 1 ? null
                : target.EstimateSparse(w with { NonZeros = Math.Max(1, (long)Math.Round(w.Weights / ratio)), Structure = structure }).LatencySeconds / dense;
            var below = Relative(be / 2);
            var above = Relative(be * 2)!.Value;
            var holds = above <= 1 && (below is null || below > 1);
            table.AddRow(w.Name, Ratio(be), below is null ? "n/a" : below.Value.ToString("0.00", CultureInfo.InvariantCulture),
                above.ToString("0.00", CultureInfo.InvariantCulture), holds ? "holds" : "VIOLATED");
        }
        table.Write(console);
    }

    private static string Verdict(LayerAnalysis row)
    {
        if (row.Workload.NonZeros == row.Workload.Weights)
            return double.IsFinite(row.BreakEvenRatio) ? $"dense; prune >= {Ratio(row.BreakEvenRatio)} to gain" : "dense; sparse never pays";
        return row.SparsePays ? "sparse pays" : "below break-even: run dense";
    }

    private static int[]? ParseShape(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var dims = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] <= 0)
                throw new UserErrorException($"--input-shape: '{text}' is not a list of positive integers such as 1,28,28");
        return dims;
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ratio(double r) => double.IsPositiveInfinity(r) ? "never" : $"{r.ToString("0.00", CultureInfo.InvariantCulture)}x";

    private static string Micro(double seconds) => double.IsNaN(seconds) ? "-" : (seconds * 1e6).ToString("0.000", CultureInfo.InvariantCulture);

    private static string Kilobytes(long bits) => (bits / 8192.0).ToString("0.0", CultureInfo.InvariantCulture);
}
