using System.CommandLine;
using AdmmNn.Core.Compression;
using AdmmNn.Core.Compression.Job;
using AdmmNn.Core.Policy;
using AdmmNn.Data.Datasets;
using AdmmNn.Reports;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Cli.Commands;

/// <summary>
/// <c>admmnn compress model.onnx --data fashion-mnist --policy policy.json --out compressed.onnx</c>: parses the command
/// line, runs the <see cref="CompressionJob"/> with the loaded plugins, writes the model, report.json and report.html, and
/// prints progress, the size table and failed gates.
/// </summary>
public static class CompressCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("compress", "Prune and quantize a trained model under a policy (ADMM, or the magnitude baseline).");
        var model = new Argument<string>("model") { Description = "Trained model file (.onnx, or a format a plugin adds)." };
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
        var maxDrop = new Option<double?>("--max-accuracy-drop") { Description = "Accuracy-drop gate as a fraction (overrides the policy's gates.maxAccuracyDrop); exit code 3 and no output when it fails.", HelpName = "FRACTION" };
        command.Arguments.Add(model);
        var preprocessing = new Option<string?>("--preprocessing") { Description = "Preprocessing replacing the policy's data section preprocessing whole, as field=value pairs separated by ';' (lists by ','), e.g. \"resize=36;centerCrop=32;color=rgb;mean=0.49,0.48,0.45;std=0.25,0.24,0.26;horizontalFlip=true\"; recorded in the compressed model.", HelpName = "FIELDS" };
        foreach (var option in new Option[] { data, dataDir, policy, output, method, result, checkpoints, resume, seed, threads, target, maxDrop, preprocessing }) command.Options.Add(option);
        command.SetAction((parse, cancellation) =>
        {
            if (parse.GetValue(resume) && parse.GetValue(checkpoints) is null) throw new UserErrorException("--resume needs --checkpoint-dir (the folder of the run to continue)");
            if (parse.GetValue(threads) is { } n) EngineThreads.Set(n);
            var declared = parse.GetValue(preprocessing) is { Length: > 0 } text ? ParsePreprocessing(text) : null;
            var request = new CompressionRequest
            {
                ModelPath = parse.GetValue(model)!, PolicyPath = parse.GetValue(policy)!, Data = parse.GetValue(data)!, DataSearchFolder = parse.GetValue(dataDir),
                Plugins = CliPlugins.Load(parse, console, quiet: true), Target = parse.GetValue(target), MaxAccuracyDrop = parse.GetValue(maxDrop),
                Method = parse.GetValue(method) == "magnitude" ? CompressionMethod.Magnitude : CompressionMethod.Admm,
                CheckpointDirectory = parse.GetValue(checkpoints), Resume = parse.GetValue(resume), Seed = parse.GetValue(seed),
                Progress = new LineProgress(console), Log = console.Out.WriteLine, Preprocessing = declared,
            };
            return Task.FromResult(Write(console, request, CompressionJob.Run(request, cancellation), parse.GetValue(output)!, parse.GetValue(result)));
        });
        return command;
    }

    private static ImagePreprocessing ParsePreprocessing(string text)
    {
        try
        {
            return PreprocessingText.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new UserErrorException($"--preprocessing: {ex.Message}");
        }
    }

    /// <summary>Writes the outcome's files and prints it; a failed gate (files written, for inspection) exits with code 3.</summary>
    private static int Write(CliConsole console, CompressionRequest request, CompressionJobOutcome outcome, string outPath, string? resultPath)
    {
        resultPath ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outPath))!, "report.json");
        request.Plugins.Models.Save(outcome.Model, outPath);
        ResultJson.Write(outcome.Result, resultPath);
        var reportPath = Path.ChangeExtension(resultPath, ".html");
        ReportWriter.WriteHtml(outcome.Result, reportPath);
        CompressionSummary.Write(console, outcome.Result);
        console.Out.WriteLine($"wrote {outPath}, {resultPath} and {reportPath}");
        foreach (var gate in outcome.GateDiagnostics) console.Report(gate, gate.Message);
        return outcome.Passed ? ExitCodes.Ok : ExitCodes.GateFailed;
    }
}
