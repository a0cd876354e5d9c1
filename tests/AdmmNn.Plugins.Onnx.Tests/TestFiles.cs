namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>Where the repository's fixtures and Debian's ONNX test data are.</summary>
internal static class TestFiles
{
    internal static string RepositoryRoot { get; } = FindRoot();

    internal static string LeNetFixture => Path.Combine(RepositoryRoot, "samples", "models", "lenet5_pytorch.onnx");

    internal static string LeNetFixtureData => Path.Combine(RepositoryRoot, "samples", "models", "lenet5_pytorch_data");

    internal const string ConformanceRoot = "/usr/share/libonnx-testdata/data/node";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AdmmNn.sln"))) return dir.FullName;
        // Build output lives outside the tree when ArtifactsPath is set; fall back to the source location.
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(ThisFile())!); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AdmmNn.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root (AdmmNn.sln) not found");
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
