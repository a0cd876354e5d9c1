using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AdmmNn.Benchmarks.LeNet5;

/// <summary>
/// Runs a PyTorch reference script under benchmarks/ (pytorch_lenet5.py by default, pytorch_cnn.py for the CNNs) with
/// Debian's /usr/bin/python3 (python3-torch) and parses its JSON line (the same keys for every script).
/// </summary>
public static class PyTorchRunner
{
    private const string Python = "/usr/bin/python3";
    private const string LeNet5Script = "pytorch_lenet5.py";

    /// <summary>The PyTorch figures, or null (with the reason written to <paramref name="log"/>) when PyTorch is not usable here.</summary>
    public static PyTorchRun? Run(int threads, double roundSeconds, int rounds, TextWriter log) =>
        Run(threads, roundSeconds, rounds, log, LeNet5Script, []);

    /// <summary>As <see cref="Run(int, double, int, TextWriter)"/> for script <paramref name="scriptName"/> with extra arguments.</summary>
    public static PyTorchRun? Run(int threads, double roundSeconds, int rounds, TextWriter log, string scriptName, IReadOnlyList<string> extraArgs)
    {
        string? script = FindScript(scriptName);
        if (script is null || !File.Exists(Python))
        {
            log.WriteLine($"PyTorch: skipped ({(script is null ? scriptName + " not found" : Python + " not found")}).");
            return null;
        }

        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { script, "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--seconds", roundSeconds.ToString(CultureInfo.InvariantCulture), "--rounds", rounds.ToString(CultureInfo.InvariantCulture) }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string firstError = stderr.Result.Split('\n').LastOrDefault(l => l.Trim().Length > 0) ?? "";
            log.WriteLine($"PyTorch: skipped ({Python} {scriptName} exited with {process.ExitCode}: {firstError.Trim()}).");
            return null;
        }

        string json = stdout.Split('\n').Last(l => l.TrimStart().StartsWith('{'));
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement r = doc.RootElement;
        double D(string name) => r.GetProperty(name).GetDouble();
        var figures = new LeNet5Figures(threads == 2 ? "PyTorch" : $"PyTorch ({threads} thread{(threads == 1 ? "" : "s")})", D("train_b64"), D("train_b64_best"), D("train_b256"), D("train_b256_best"),
            D("infer_b256"), D("infer_b256_best"), D("latency_b1_ms"), D("latency_b1_best_ms"),
            D("train_b64_per_cpu_s"), D("train_b256_per_cpu_s"), D("infer_b256_per_cpu_s"), D("latency_b1_cpu_ms"));
        return new PyTorchRun(figures, r.GetProperty("torch").GetString() ?? "?", r.GetProperty("threads").GetInt32(),
            r.GetProperty("mkldnn").GetBoolean(), r.GetProperty("blas").EnumerateArray().Select(e => e.GetString() ?? "").ToArray(),
            r.GetProperty("openblas_coretype").ValueKind == JsonValueKind.String ? r.GetProperty("openblas_coretype").GetString() : null);
    }

    /// <summary>benchmarks/<paramref name="scriptName"/>: searched upward from the working directory, then beside this source file.</summary>
    private static string? FindScript(string scriptName)
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "benchmarks", scriptName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        string beside = Path.Combine(Path.GetDirectoryName(SourceFile()) ?? ".", "..", "..", scriptName);
        return File.Exists(beside) ? Path.GetFullPath(beside) : null;
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
