using System.Runtime.InteropServices;

namespace AdmmNn.OnnxRuntime;

/// <summary>
/// Finds the ONNX Runtime shared library, in this order: the <c>ADMMNN_ONNXRUNTIME</c> environment variable (the file, or
/// a folder holding it); the set-up script's cache
/// <c>${ADMMNN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/admmnn}/native/onnxruntime-1.30.0/</c>; an installed
/// <c>Microsoft.ML.OnnxRuntime</c> NuGet package (newest version first).
/// </summary>
public static class OnnxRuntimeLocator
{
    /// <summary>The ONNX Runtime version the set-up script downloads.</summary>
    public const string CachedVersion = "1.30.0";

    /// <summary>The environment variable naming the library (or its folder) explicitly.</summary>
    public const string EnvironmentVariable = "ADMMNN_ONNXRUNTIME";

    /// <summary>The library's file name on this OS.</summary>
    public static string LibraryFileName =>
        OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so.1";

    /// <summary>
    /// The library path, or throws <see cref="OnnxRuntimeNotFoundException"/> listing the places searched.
    /// <paramref name="environment"/> reads environment variables (tests pass their own).
    /// </summary>
    public static string Locate(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var explicitPath = environment(EnvironmentVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            var file = Directory.Exists(explicitPath) ? Path.Combine(explicitPath, LibraryFileName) : explicitPath;
            return File.Exists(file)
                ? file
                : throw new OnnxRuntimeNotFoundException($"{EnvironmentVariable}={explicitPath}: {file} does not exist");
        }
        var searched = Candidates(environment).ToList();
        foreach (var candidate in searched)
            if (File.Exists(candidate)) return candidate;
        throw new OnnxRuntimeNotFoundException(
            $"ONNX Runtime ({LibraryFileName}) not found; run build/setup.sh, set {EnvironmentVariable}, or install the Microsoft.ML.OnnxRuntime package (searched: {string.Join(", ", searched)})");
    }

    /// <summary>The places searched after the environment variable, in order.</summary>
    public static IEnumerable<string> Candidates(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var home = environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var cache = NonEmpty(environment("ADMMNN_CACHE"))
            ?? Path.Combine(NonEmpty(environment("XDG_CACHE_HOME")) ?? Path.Combine(home, ".cache"), "admmnn");
        yield return Path.Combine(cache, "native", $"onnxruntime-{CachedVersion}", LibraryFileName);

        var packages = NonEmpty(environment("NUGET_PACKAGES")) ?? Path.Combine(home, ".nuget", "packages");
        var root = Path.Combine(packages, "microsoft.ml.onnxruntime");
        if (!Directory.Exists(root)) yield break;
        var rid = $"{(OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux")}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        var nativeName = OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so";
        var versions = Directory.EnumerateDirectories(root)
            .Select(dir => (dir, version: Version.TryParse(Path.GetFileName(dir).Split('-')[0], out var v) ? v : new Version(0, 0)))
            .OrderByDescending(x => x.version);
        foreach (var (dir, _) in versions)
            yield return Path.Combine(dir, "runtimes", rid, "native", nativeName);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
