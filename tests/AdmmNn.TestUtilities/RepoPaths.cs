using System.Runtime.CompilerServices;

namespace AdmmNn.TestUtilities;

/// <summary>
/// Finds the repository root (the folder holding AdmmNn.sln). Build output may live outside the tree
/// (<c>ArtifactsPath</c>), so the search starts from this source file's compile-time path and falls back to
/// <c>ADMMNN_REPO_ROOT</c>, the working directory and the test assembly's folder.
/// </summary>
public static class RepoPaths
{
    private const string SolutionFile = "AdmmNn.sln";
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>A path under the repository root, e.g. <c>RepoPaths.Combine("samples", "models", "lenet5-fashion.onnx")</c>.</summary>
    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The <c>samples/</c> folder.</summary>
    public static string Samples => Combine("samples");

    private static string FindRoot()
    {
        var starts = new[]
        {
            Environment.GetEnvironmentVariable("ADMMNN_REPO_ROOT"),
            Path.GetDirectoryName(ThisFile()),
            Directory.GetCurrentDirectory(),
            AppContext.BaseDirectory,
        };
        foreach (var start in starts)
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"cannot find the repository root (a folder holding {SolutionFile}) above {string.Join(", ", starts.Where(s => !string.IsNullOrEmpty(s)))}; set ADMMNN_REPO_ROOT");
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
