using System.CommandLine;
using System.Globalization;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Core.Compression;
using AdmmNn.Core.Hardware;
using AdmmNn.Core.Policy;
using AdmmNn.Data.Datasets;
using AdmmNn.Runtime.Preprocessing;
using Spectre.Console;

namespace AdmmNn.Cli.Commands;

/// <summary>
/// <c>admmnn compress model.onnx --data fashion-mnist --policy policy.json --out compressed.onnx</c>: ADMM joint pruning
/// and quantization (or the magnitude baseline), with progress, a size table and a JSON result file.
/// </summary>
public static class CompressCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("compress", "Prune and quantize a trained model under a policy (ADMM, or the magnitude baseline).");
        var model = new Argument<string>("model") { Description = "Trained model file (.onnx)." };
        var data = new Option<string>("--data") { Description = "Dataset name (fashion-mnist, mnist) or a path: a folder of IDX files, an image folder (train/<class>/*.png, test/), CIFAR binary batches, or NumPy .npz/.npy.", DefaultValueFactory = _ => "fashion-mnist", HelpName = "NAME|DIR" };
        var dataDir = new Option<string?>("--data-dir") { Description = $"Folder searched first for named datasets; then ${DatasetLocator.EnvironmentVariable}, then {DatasetLocator.SystemDatasetsRoot}.", HelpName = "DIR" };
        var policy = new Option<string>("--policy") { Description = "Policy JSON (see docs/policy.md and samples/policies/).", Required = true, HelpName = "FILE" };
        var output = new Option<string>("--out") { Description = "Compressed model to write (.onnx).", Required = true, HelpName = "FILE" };
        var method = new Option<string>("--method") { Description = "admm (default) or magnitude (iterative magnitude pruning baseline, same policy and epoch budget).", DefaultValueFactory = _ => "admm" };
        method.AcceptOnlyFromAmong("admm", "magnitude");
        var result = new Option<string?>("--result") { Description = "Result JSON to write (default: report.json beside --out).", HelpName = "FILE" };
        var checkpoints = new Option<string?>("--checkpoint-dir") { Description = "Write a checkpoint after every ADMM iteration into this folder.", HelpName = "DIR" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run checkpointed in --checkpoint-dir." };
        var seed = new Option<int?>("--seed") { Description = "Override the policy's seed." };
        var threads = new Option<int?>("--threads") { Description = "Engine threads (default: all processors). A deterministic --resume needs the same count as the run it continues." };
        var target = new Option<string?>("--target") { Description = "Hardware target (overrides the policy's hardware.target; the policy's other hardware options apply): layers below their break-even pruning ratio stay dense or are raised above it, the target's constraint shapes are preferred, and the result carries per-layer latency/energy before and after.", HelpName = "NAME" };
        command.Arguments.Add(model);
        foreach (var option in new Option[] { data, dataDir, policy, output, method, result, checkpoints, resume, seed, threads, target }) command.Options.Add(option);
        command.SetAction((parse, cancellation) => Task.FromResult(Run(console, parse, new Request(
            parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(dataDir), parse.GetValue(policy)!, parse.GetValue(output)!,
            parse.GetValue(method)!, parse.GetValue(result), parse.GetValue(checkpoints), parse.GetValue(resume), parse.GetValue(seed), parse.GetValue(target), parse.GetValue(threads)),
            cancellation)));
        return command;
    }

    private sealed record TargetPlan(IHardwareTarget Target, HardwareAnalysis Before, HardwareAwarePlan Plan, HardwareAwareOptions Options);

    /// <summary>
    /// Hardware-aware step: rewrites the policy so that layers below the target's break-even pruning ratio stay dense (or
    /// are raised above it) in the target's preferred constraint shape, computation first; prints each decision.
    /// </summary>
    private static TargetPlan PlanForTarget(CliConsole console, ParseResult parse, HardwareTargetSpec spec, AdmmNn.Abstractions.Models.ModelGraph graph,
        int[] sampleShape, ref CompressionPolicy policy)
    {
        var factory = CliPlugins.FindTarget(CliPlugins.LoadCatalog(parse, console, quiet: true), spec.Target);
        IHardwareTarget target;
        try
        {
            target = factory.Create(spec.Profile);
        }
        catch (ArgumentException ex)
        {
            throw new UserErrorException($"{policy.SourceFile}: hardware.profile: {ex.Message}");
        }
        var before = BreakEvenAnalyzer.Analyze(target, graph, sampleShape);
        var options = spec.ToOptions();
        policy = HardwareAwarePolicies.Adjust(policy, graph, sampleShape, target, options, out var plan);
        console.Out.WriteLine($"target {target.Name}: requested {Number(plan.RequestedOverallRatio)}x overall, adjusted {Number(plan.AdjustedOverallRatio)}x " +
            $"(below break-even: {HardwareOptionNames.Name(options.BelowBreakEven)}, goal: {HardwareOptionNames.Name(options.Goal)})");
        foreach (var decision in plan.Layers) console.Out.WriteLine($"  {decision.LayerName}: {decision.Reason}");
        return new TargetPlan(target, before, plan, options);
    }

    private sealed record Request(string Model, string Data, string? DataDir, string Policy, string Out, string Method, string? Result,
        string? CheckpointDir, bool Resume, int? Seed, string? Target, int? Threads);

    private static int Run(CliConsole console, ParseResult parse, Request request, CancellationToken cancellation)
    {
        if (request.Resume && request.CheckpointDir is null) throw new UserErrorException("--resume needs --checkpoint-dir (the folder of the run to continue)");
        if (request.Threads is { } n) EngineThreads.Set(n);
        var policy = PolicyLoader.Load(request.Policy);
        // The command line names the target; how to adapt to it (belowBreakEven, goal, ...) stays the policy's.
        if (request.Target is { } t) policy.Hardware = policy.Hardware?.WithTarget(t) ?? new HardwareTargetSpec { Target = t };
        var graph = BuiltInFormats.CreateStore().Load(request.Model);
        // Preprocessing is declared once: the policy's data section, else what the model was trained with.
        var preprocessing = policy.Data.Preprocessing;
        if (preprocessing.Equals(ImagePreprocessing.Default) && graph.Metadata.ContainsKey(ImagePreprocessing.MetadataKey))
            preprocessing = ModelPreprocessing(graph, request.Model);
        var data = DataSource.Load(request.Data, request.DataDir, preprocessing, policy.Data.ValidationFraction, request.Seed ?? policy.Seed);
        var (train, test) = (data.Train, data.Test);
        var resultPath = request.Result ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(request.Out))!, "report.json");
        int[] sampleShape = [train.Channels, train.Height, train.Width];
        var hardware = policy.Hardware is { Target.Length: > 0 } spec ? PlanForTarget(console, parse, spec, graph, sampleShape, ref policy) : null;

        var options = new CompressionOptions
        {
            Method = request.Method == "magnitude" ? CompressionMethod.Magnitude : CompressionMethod.Admm,
            CheckpointDirectory = request.CheckpointDir,
            Resume = request.Resume,
            Seed = request.Seed,
            ModelName = Path.GetFileName(request.Model),
            DatasetName = train.Name,
            PolicyPath = request.Policy,
            SampleShape = sampleShape,
            Progress = new LineProgress(console),
            Validation = data.Validation,
            SplitOrigins = data.Origins,
        };
        var validationText = data.Validation is { } v ? $" / {v.Count} validation" : "";
        console.Out.WriteLine($"compress {Path.GetFileName(request.Model)} with {request.Policy} ({request.Method}), {train.Count} training{validationText} / {test.Count} test images");
        var outcome = new Compressor(policy).Run(graph, train, test, options, cancellation);
        // Record the structure each weight was pruned with (the adjusted policy's, with a target): quantization can zero
        // weights inside kept blocks, so `analyze` (and the analysis below) would misread block-pruned layers from the zeros.
        StructureMetadata.Write(outcome.Model, StructureMetadata.FromPolicy(policy, outcome.Model));
        BuiltInFormats.CreateStore().Save(outcome.Model, request.Out);
        if (hardware is { } hw)
            outcome.Result.Hardware = HardwareComparison.ToJson(hw.Before, BreakEvenAnalyzer.Analyze(hw.Target, outcome.Model, sampleShape), hw.Plan, hw.Options);
        ResultJson.Write(outcome.Result, resultPath);
        var reportPath = Path.ChangeExtension(resultPath, ".html");
        AdmmNn.Reports.ReportWriter.WriteHtml(outcome.Result, reportPath);
        WriteSummary(console, outcome.Result);
        console.Out.WriteLine($"wrote {request.Out}, {resultPath} and {reportPath}");
        if (!outcome.Result.Passed)
        {
            foreach (var gate in outcome.Result.Gates.Where(g => !g.Passed))
                console.Error.WriteLine($"error: gate {gate.Name} failed: limit {Number(gate.Limit)}, measured {Number(gate.Actual)}");
            return ExitCodes.GateFailed;
        }
        return ExitCodes.Ok;
    }

    /// <summary>The preprocessing recorded in <paramref name="graph"/>'s metadata.</summary>
    internal static ImagePreprocessing ModelPreprocessing(AdmmNn.Abstractions.Models.ModelGraph graph, string path)
    {
        try
        {
            return ImagePreprocessing.FromMetadata(graph.Metadata);
        }
        catch (FormatException ex)
        {
            throw new UserErrorException($"{path}: metadata {ImagePreprocessing.MetadataKey}: {ex.Message}");
        }
    }

    private static string Number(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>The final accuracy and size table (per tensor and totals).</summary>
    private static void WriteSummary(CliConsole console, CompressionResult r)
    {
        var table = new CliTable()
            .AddColumn("tensor").AddColumn("shape").AddColumn("nonzeros", true).AddColumn("pruning", true)
            .AddColumn("bits", true).AddColumn("index bits", true).AddColumn("storage bits", true).AddColumn("constraint");
        foreach (var l in r.Layers)
        {
            table.AddRow(l.Name, "[" + string.Join(",", l.Shape) + "]", $"{l.NonZeros}/{l.Parameters}",
                double.IsInfinity(l.PruningRatio) ? "inf" : $"{l.PruningRatio:0.0}x", l.Bits.ToString(CultureInfo.InvariantCulture),
                l.IndexWidth.ToString(CultureInfo.InvariantCulture), l.TotalBits.ToString(CultureInfo.InvariantCulture), l.Constraint);
        }
        table.AddRow("total", "", $"{r.NonZeroWeights}/{r.DenseWeights} weights", $"{r.PruningRatio:0.0}x", "", "", r.TotalBits.ToString(CultureInfo.InvariantCulture), "");
        table.Write(console);
        var ic = CultureInfo.InvariantCulture;
        console.Out.WriteLine(string.Format(ic, "accuracy: {0:P2} -> {1:P2} (drop {2:0.00} points) on {3} test images",
            r.BaselineAccuracy, r.FinalAccuracy, 100 * r.AccuracyDrop, r.TestSamples));
        console.Out.WriteLine(string.Format(ic, "pruning ratio {0:0.0}x (weights/nonzeros); storage ratio {1:0.0}x incl. biases ({2} of {3} bits), weights only {4:0.0}x",
            r.PruningRatio, r.StorageRatio, r.TotalBits, 32 * r.DenseParameters, r.WeightStorageRatio));
        console.Out.WriteLine(string.Format(ic, "MACs per image: {0} -> {1} ({2:0.0}x fewer); wall time {3:0.0} s on {4} threads",
            r.MacsBefore, r.MacsAfter, r.MacsAfter == 0 ? 0 : (double)r.MacsBefore / r.MacsAfter, r.WallSeconds, r.Threads));
    }

    /// <summary>Progress as one line per report, synchronously (so lines keep their order); coloured only on a terminal.</summary>
    private sealed class LineProgress(CliConsole console) : IProgress<CompressionProgress>
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
}
