using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using AdmmNn.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Task = Microsoft.Build.Utilities.Task;

namespace AdmmNn.Build.Tasks;

/// <summary>
/// Compresses and packs one model by running the admmnn tool out of process (<c>admmnn compress</c>, then
/// <c>admmnn pack</c>), so training and plugins never load into the MSBuild node. Work happens in a staging folder
/// next to <see cref="OutputFile"/>; the packed model appears there only by a final rename, so a failed or cancelled
/// build leaves no output behind. Finished compressions go to a content-hash cache that a clean build reuses.
/// The gates run in the tool (<c>--max-accuracy-drop</c>, <c>pack --max-bytes</c>), and the tool reports every problem
/// as a typed diagnostic line (code, file, line, column) that the task logs as it is: the task reads no meaning into text.
/// </summary>
public sealed class AdmmNnCompress : Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>The model to compress (ONNX).</summary>
    [Required]
    public string Model { get; set; } = string.Empty;

    /// <summary>The compression policy (JSON); optional when the tool has a default.</summary>
    public string? Policy { get; set; }

    /// <summary>Training and evaluation data: a data set name (fashion-mnist) or a folder.</summary>
    public string? Data { get; set; }

    /// <summary>Hardware target name (cpu, fpga, …) for hardware-aware compression.</summary>
    public string? HardwareTarget { get; set; }

    /// <summary>
    /// The preprocessing, replacing the policy's <c>data</c> section preprocessing whole: <c>field=value</c> pairs separated
    /// by <c>;</c> (lists by <c>,</c>), e.g. <c>resize=36;centerCrop=32;color=rgb;mean=0.49,0.48,0.45;std=0.25,0.24,0.26</c>;
    /// passed as <c>--preprocessing</c> and part of the cache key. Empty keeps the policy's.
    /// </summary>
    public string? Preprocessing { get; set; }

    /// <summary>Where the packed model goes (.admmnn).</summary>
    [Required]
    public string OutputFile { get; set; } = string.Empty;

    /// <summary>Folder that receives report.json and report.html.</summary>
    [Required]
    public string ReportDirectory { get; set; } = string.Empty;

    /// <summary>The tool: its admmnn.dll (run through the dotnet host) or an executable.</summary>
    [Required]
    public string ToolPath { get; set; } = string.Empty;

    /// <summary>Working directory of the tool, normally the project folder (relative paths resolve from it).</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Gate: the largest allowed accuracy drop, a fraction (0.01) or percent (1%).</summary>
    public string? MaxAccuracyDrop { get; set; }

    /// <summary>Gate: the largest allowed packed size (bytes, or 60KB, 1MiB …).</summary>
    public string? MaxModelBytes { get; set; }

    /// <summary>Use the content-hash cache.</summary>
    public bool UseCache { get; set; } = true;

    /// <summary>Cache folder; empty means $ADMMNN_CACHE/builds, then ~/.cache/admmnn/builds.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>
    /// Plugins for the tool (<c>AdmmNnPlugin</c> items: a plugin .dll or a folder of plugins), each passed as
    /// <c>--plugin PATH</c> to <c>admmnn compress</c> and hashed into the cache key.
    /// </summary>
    public string[] Plugins { get; set; } = Array.Empty<string>();

    /// <summary>More arguments for <c>admmnn compress</c> (one per item), e.g. <c>--epochs;0.1</c>.</summary>
    public string[] CompressArguments { get; set; } = Array.Empty<string>();

    /// <summary>True when the result came from the cache and the tool did not run.</summary>
    [Output]
    public bool RestoredFromCache { get; private set; }

    /// <summary>The HTML report, when the tool wrote one.</summary>
    [Output]
    public string? ReportHtml { get; private set; }

    /// <summary>Called by MSBuild on Ctrl+C: kills the running tool; <see cref="Execute"/> then cleans up and fails.</summary>
    public void Cancel() => _cancellation.Cancel();

    /// <inheritdoc />
    public override bool Execute()
    {
        if (!Validate(out var accuracyGate, out var sizeGate)) return false;
        var name = Path.GetFileNameWithoutExtension(Model);
        var outputDirectory = Path.GetDirectoryName(Path.GetFullPath(OutputFile))!;
        Directory.CreateDirectory(outputDirectory);
        // The output must always match the current inputs: remove the old one first, so a failed or cancelled build
        // cannot leave a stale model that the next build would embed as up to date.
        if (File.Exists(OutputFile)) File.Delete(OutputFile);
        var staging = Path.Combine(outputDirectory, name + ".tmp-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        Directory.CreateDirectory(staging);
        try
        {
            var packed = Path.Combine(staging, name + ".admmnn");
            if (!Produce(name, staging, packed, accuracyGate, sizeGate)) return false;
            Publish(staging, packed);
            return !Log.HasLoggedErrors;
        }
        finally
        {
            TryDelete(staging);
        }
    }

    private bool Produce(string name, string staging, string packed, double? accuracyGate, long? sizeGate)
    {
        var cache = UseCache ? new CompressionCache(CacheRoot()) : null;
        string? key = null;
        if (cache != null)
        {
            try
            {
                // The gates are part of the key: an entry exists only for a run that passed the same gates.
                key = CompressionCache.ComputeKey(KeyParts(accuracyGate, sizeGate));
                var entry = cache.TryGet(key);
                if (entry != null)
                {
                    File.Copy(Path.Combine(entry, CompressionCache.PackedName), packed);
                    CopyIfExists(Path.Combine(entry, "report.json"), Path.Combine(staging, "report.json"));
                    CopyIfExists(Path.Combine(entry, "report.html"), Path.Combine(staging, "report.html"));
                    RestoredFromCache = true;
                    Log.LogMessage(MessageImportance.High, $"AdmmNn: {Model} restored from cache {entry}");
                    return true;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.LogWarning(null, DiagnosticCodes.CacheUnavailable, null, null, 0, 0, 0, 0, $"AdmmNn cache unavailable, compressing without it: {ex.Message}");
                cache = null;
            }
        }

        Log.LogMessage(MessageImportance.High,
            $"AdmmNn: compressing {Model}" + (string.IsNullOrEmpty(Policy) ? "" : $" with policy {Policy}") + (string.IsNullOrEmpty(HardwareTarget) ? "" : $" for target {HardwareTarget}"));
        var compressed = Path.Combine(staging, name + ".onnx");
        var compressArguments = CompressToolArguments(compressed, accuracyGate);
        var packArguments = new List<string> { "pack", compressed, "--out", packed };
        foreach (var plugin in PluginPaths()) packArguments.AddRange(new[] { "--plugin", plugin });
        if (sizeGate is { } bytes) packArguments.AddRange(new[] { "--max-bytes", bytes.ToString(CultureInfo.InvariantCulture) });

        var engine = BuildEngine as IBuildEngine3;
        engine?.Yield(); // Training takes a while: let the node build other projects meanwhile.
        try
        {
            if (!RunStep("compress", compressArguments, compressed)) return false;
            Log.LogMessage(MessageImportance.High, $"AdmmNn: packing {Path.GetFileName(OutputFile)}");
            if (!RunStep("pack", packArguments, packed)) return false;
        }
        finally
        {
            engine?.Reacquire();
        }

        if (cache != null && key != null)
        {
            try
            {
                cache.Store(key, new[]
                {
                    new KeyValuePair<string, string>(packed, CompressionCache.PackedName),
                    new KeyValuePair<string, string>(Path.Combine(staging, "report.json"), "report.json"),
                    new KeyValuePair<string, string>(Path.Combine(staging, "report.html"), "report.html"),
                });
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.LogWarning(null, DiagnosticCodes.CacheUnavailable, null, null, 0, 0, 0, 0, $"AdmmNn could not store the result in the cache: {ex.Message}");
            }
        }
        return true;
    }

    private bool RunStep(string verb, List<string> arguments, string expectedOutput)
    {
        if (_cancellation.IsCancellationRequested) return Cancelled(verb);
        var errors = 0;
        var lastErrorLines = new Queue<string>();
        var process = new ToolProcess(Path.GetFullPath(ToolPath), WorkingDirectory is { Length: > 0 } ? WorkingDirectory! : Directory.GetCurrentDirectory(), ToolEnvironment());
        int exitCode;
        try
        {
            exitCode = process.Run(arguments, (line, isError) =>
            {
                var diagnostic = ToolDiagnostic.TryRead(line);
                lock (lastErrorLines)
                {
                    if (diagnostic == null)
                    {
                        if (isError)
                        {
                            lastErrorLines.Enqueue(line);
                            if (lastErrorLines.Count > 5) lastErrorLines.Dequeue();
                        }
                        Log.LogMessage(MessageImportance.Normal, "  admmnn " + verb + ": " + line);
                    }
                    else if (diagnostic.IsWarning)
                    {
                        Log.LogWarning(null, diagnostic.Code, null, diagnostic.File ?? Model, diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);
                    }
                    else
                    {
                        errors++;
                        Log.LogError(null, diagnostic.Code, null, diagnostic.File ?? Model, diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);
                    }
                }
            }, _cancellation.Token);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Log.LogError(null, DiagnosticCodes.ToolNotFound, null, null, 0, 0, 0, 0, $"Could not start the admmnn tool ({ToolPath}): {ex.Message}");
            return false;
        }

        if (exitCode == -1 || exitCode == ToolExitCodes.Cancelled || _cancellation.IsCancellationRequested) return Cancelled(verb);
        if (exitCode == ToolExitCodes.Ok)
        {
            if (File.Exists(expectedOutput)) return true;
            Log.LogError(null, DiagnosticCodes.MissingOutput, null, Model, 0, 0, 0, 0, $"admmnn {verb} reported success but wrote no {Path.GetFileName(expectedOutput)}.");
            return false;
        }
        if (errors == 0)
        {
            // A tool that failed without a diagnostic (an older tool, a crash before it could write one): the exit code says what kind.
            var tail = string.Join(" | ", lastErrorLines);
            var (code, what) = exitCode switch
            {
                ToolExitCodes.UserError => (DiagnosticCodes.BadInput, "rejected its input"),
                ToolExitCodes.GateFailed => (DiagnosticCodes.AccuracyGate, "failed a gate"),
                _ => (DiagnosticCodes.ToolFailed, "failed"),
            };
            Log.LogError(null, code, null, Model, 0, 0, 0, 0, $"admmnn {verb} {what} (exit code {exitCode})" + (tail.Length > 0 ? ": " + tail : "."));
        }
        return false;
    }

    private bool Cancelled(string verb)
    {
        Log.LogMessage(MessageImportance.High, $"AdmmNn: {verb} cancelled; no output written.");
        return false;
    }

    private void Publish(string staging, string packed)
    {
        Directory.CreateDirectory(ReportDirectory);
        foreach (var report in new[] { "report.json", "report.html" })
        {
            var source = Path.Combine(staging, report);
            if (!File.Exists(source)) continue;
            var target = Path.Combine(ReportDirectory, report);
            if (File.Exists(target)) File.Delete(target);
            File.Move(source, target);
        }
        var html = Path.Combine(ReportDirectory, "report.html");
        ReportHtml = File.Exists(html) ? html : null;
        File.Move(packed, OutputFile); // Same folder: an atomic rename, the last step.
        Log.LogMessage(MessageImportance.High, $"AdmmNn: {Model} -> {OutputFile} ({new FileInfo(OutputFile).Length:N0} bytes)"
            + (ReportHtml != null ? $", report {ReportHtml}" : ""));
    }

    private bool Validate(out double? accuracyGate, out long? sizeGate)
    {
        accuracyGate = null;
        sizeGate = null;
        if (!File.Exists(Model))
        {
            Log.LogError(null, DiagnosticCodes.InvalidItem, null, Model, 0, 0, 0, 0, $"AdmmNnModel '{Model}' does not exist.");
            return false;
        }
        if (!string.IsNullOrEmpty(Policy) && !File.Exists(Policy))
        {
            Log.LogError(null, DiagnosticCodes.InvalidItem, null, Model, 0, 0, 0, 0, $"Policy file '{Policy}' of AdmmNnModel '{Model}' does not exist.");
            return false;
        }
        foreach (var plugin in PluginPaths())
        {
            if (File.Exists(plugin) || Directory.Exists(plugin)) continue;
            Log.LogError(null, DiagnosticCodes.InvalidItem, null, Model, 0, 0, 0, 0, $"AdmmNnPlugin '{plugin}' does not exist (a plugin .dll or a folder of plugins).");
            return false;
        }
        if (!File.Exists(ToolPath))
        {
            Log.LogError(null, DiagnosticCodes.ToolNotFound, null, null, 0, 0, 0, 0, $"The admmnn tool was not found at '{ToolPath}' (set AdmmNnToolPath).");
            return false;
        }
        if (!string.IsNullOrWhiteSpace(MaxAccuracyDrop))
        {
            var text = MaxAccuracyDrop!.Trim();
            var percent = text.EndsWith("%", StringComparison.Ordinal);
            if (!double.TryParse(percent ? text.TrimEnd('%') : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var drop) || drop < 0)
            {
                Log.LogError(null, DiagnosticCodes.InvalidItem, null, Model, 0, 0, 0, 0, $"MaxAccuracyDrop '{MaxAccuracyDrop}' is not a fraction (0.01) or percentage (1%).");
                return false;
            }
            accuracyGate = percent ? drop / 100 : drop;
        }
        if (!string.IsNullOrWhiteSpace(MaxModelBytes))
        {
            if (!ByteSize.TryParse(MaxModelBytes!, out var bytes))
            {
                Log.LogError(null, DiagnosticCodes.InvalidItem, null, Model, 0, 0, 0, 0, $"MaxModelBytes '{MaxModelBytes}' is not a size (60000, 60KB, 1MiB).");
                return false;
            }
            sizeGate = bytes;
        }
        return true;
    }

    /// <summary>The arguments of <c>admmnn compress</c> writing <paramref name="compressed"/>.</summary>
    internal List<string> CompressToolArguments(string compressed, double? accuracyGate)
    {
        var arguments = new List<string> { "compress", Path.GetFullPath(Model), "--out", compressed };
        if (!string.IsNullOrEmpty(Policy)) arguments.AddRange(new[] { "--policy", Path.GetFullPath(Policy) });
        if (!string.IsNullOrEmpty(Data)) arguments.AddRange(new[] { "--data", Data! });
        if (!string.IsNullOrEmpty(HardwareTarget)) arguments.AddRange(new[] { "--target", HardwareTarget! });
        if (!string.IsNullOrWhiteSpace(Preprocessing)) arguments.AddRange(new[] { "--preprocessing", Preprocessing!.Trim() });
        foreach (var plugin in PluginPaths()) arguments.AddRange(new[] { "--plugin", plugin });
        if (accuracyGate is { } drop) arguments.AddRange(new[] { "--max-accuracy-drop", drop.ToString("R", CultureInfo.InvariantCulture) });
        arguments.AddRange(CompressArguments);
        return arguments;
    }

    /// <summary>What identifies a compression in the cache: every input and option that can change the packed model.</summary>
    internal IEnumerable<KeyValuePair<string, string>> KeyParts(double? accuracyGate, long? sizeGate)
    {
        yield return Pair("format", "admmnn-build-cache-1");
        yield return Pair("model", Path.GetFullPath(Model));
        yield return Pair("policy", string.IsNullOrEmpty(Policy) ? "" : Path.GetFullPath(Policy));
        var data = Data ?? "";
        var dataPath = data.Length > 0 && WorkingDirectory is { Length: > 0 } ? Path.Combine(WorkingDirectory!, data) : data;
        yield return Pair("data", Directory.Exists(dataPath) || File.Exists(dataPath) ? Path.GetFullPath(dataPath) : data);
        // A data set found by name resolves through ADMMNN_DATA: that folder is part of the identity too.
        yield return Pair("data-root", Environment.GetEnvironmentVariable("ADMMNN_DATA") ?? "");
        yield return Pair("target", HardwareTarget ?? "");
        yield return Pair("preprocessing", Preprocessing?.Trim() ?? "");
        yield return Pair("arguments", string.Join("\n", CompressArguments));
        yield return Pair("max-accuracy-drop", accuracyGate?.ToString("R", CultureInfo.InvariantCulture) ?? "");
        yield return Pair("max-bytes", sizeGate?.ToString(CultureInfo.InvariantCulture) ?? "");
        // By content: a rebuilt plugin may estimate differently, so it must not reuse. A folder by all its files; a .dll by
        // its bytes and its .deps.json (its dependencies' versions), not its folder, which may be a bin folder of other things.
        foreach (var plugin in PluginPaths())
        {
            yield return Pair("plugin", plugin);
            var deps = Path.ChangeExtension(plugin, ".deps.json");
            if (File.Exists(plugin) && File.Exists(deps)) yield return Pair("plugin-deps", deps);
        }
        var toolDirectory = Path.GetDirectoryName(Path.GetFullPath(ToolPath))!;
        yield return Pair("tool", Path.GetFullPath(ToolPath));
        foreach (var assembly in Directory.GetFiles(toolDirectory, "AdmmNn*.dll"))
            yield return Pair("tool:" + Path.GetFileName(assembly), assembly);
    }

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);

    /// <summary>Full paths of <see cref="Plugins"/>, without a trailing separator (folder items end in one), in item order.</summary>
    private IEnumerable<string> PluginPaths()
    {
        foreach (var plugin in Plugins)
        {
            if (string.IsNullOrWhiteSpace(plugin)) continue;
            var full = Path.GetFullPath(plugin.Trim());
            var trimmed = full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            yield return trimmed.Length == 0 || trimmed.EndsWith(":", StringComparison.Ordinal) ? full : trimmed;
        }
    }

    private string CacheRoot() => !string.IsNullOrEmpty(CacheDirectory) ? CacheDirectory! : CompressionCache.DefaultRoot();

    private static Dictionary<string, string> ToolEnvironment() => new()
    {
        // Tells the tool its output is read by MSBuild: plain lines, canonical error format.
        [DiagnosticCodes.MSBuildVariable] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    private static void CopyIfExists(string source, string destination)
    {
        if (File.Exists(source)) File.Copy(source, destination, overwrite: true);
    }

    private void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.LogMessage(MessageImportance.Low, $"AdmmNn: could not remove {directory}: {ex.Message}");
        }
    }
}
