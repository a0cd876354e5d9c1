namespace AdmmNn.OnnxRuntime.Tests;

public sealed class OnnxRuntimeLocatorTests
{
    [Fact]
    public void An_explicit_path_that_does_not_exist_is_an_error_naming_it()
    {
        var env = new Dictionary<string, string?> { ["ADMMNN_ONNXRUNTIME"] = "/nonexistent/libonnxruntime.so.1" };
        var ex = Assert.Throws<OnnxRuntimeNotFoundException>(() => OnnxRuntimeLocator.Locate(k => env.GetValueOrDefault(k)));
        Assert.Contains("/nonexistent/libonnxruntime.so.1", ex.Message);
    }

    [Fact]
    public void An_explicit_folder_is_searched_for_the_library()
    {
        var real = OnnxRuntimeLocator.Locate();
        var env = new Dictionary<string, string?> { ["ADMMNN_ONNXRUNTIME"] = Path.GetDirectoryName(real) };
        Assert.Equal(Path.Combine(Path.GetDirectoryName(real)!, OnnxRuntimeLocator.LibraryFileName), OnnxRuntimeLocator.Locate(k => env.GetValueOrDefault(k)));
    }

    [Fact]
    public void The_cache_follows_ADMMNN_CACHE_then_XDG_CACHE_HOME_then_HOME()
    {
        var first = OnnxRuntimeLocator.Candidates(k => k switch { "ADMMNN_CACHE" => "/c", "XDG_CACHE_HOME" => "/x", "HOME" => "/h", _ => null }).First();
        Assert.Equal("/c/native/onnxruntime-1.30.0/libonnxruntime.so.1", first);
        first = OnnxRuntimeLocator.Candidates(k => k switch { "XDG_CACHE_HOME" => "/x", "HOME" => "/h", _ => null }).First();
        Assert.Equal("/x/admmnn/native/onnxruntime-1.30.0/libonnxruntime.so.1", first);
        first = OnnxRuntimeLocator.Candidates(k => k switch { "HOME" => "/h", _ => null }).First();
        Assert.Equal("/h/.cache/admmnn/native/onnxruntime-1.30.0/libonnxruntime.so.1", first);
    }

    [Fact]
    public void Installed_nuget_packages_are_searched_newest_first()
    {
        var home = Directory.CreateTempSubdirectory("admmnn-ort-").FullName;
        try
        {
            foreach (var version in new[] { "1.9.0", "1.20.1", "1.16.3" })
                Directory.CreateDirectory(Path.Combine(home, ".nuget", "packages", "microsoft.ml.onnxruntime", version));
            var candidates = OnnxRuntimeLocator.Candidates(k => k == "HOME" ? home : null).Skip(1).ToList();
            Assert.Equal(3, candidates.Count);
            Assert.Contains("1.20.1", candidates[0]);
            Assert.Contains("1.9.0", candidates[2]);
            Assert.EndsWith("runtimes/linux-x64/native/libonnxruntime.so", candidates[0]);
            var ex = Assert.Throws<OnnxRuntimeNotFoundException>(() => OnnxRuntimeLocator.Locate(k => k == "HOME" ? home : null));
            Assert.Contains("build/setup.sh", ex.Message);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
