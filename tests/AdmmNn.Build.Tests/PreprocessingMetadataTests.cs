using AdmmNn.Build.Tasks;

namespace AdmmNn.Build.Tests;

/// <summary>The <c>Preprocessing</c> item metadata: passed to <c>admmnn compress</c> as one argument and part of the cache key.</summary>
public sealed class PreprocessingMetadataTests : IDisposable
{
    private readonly TempDirectory _dir = new("admmnn-build-preprocessing");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Preprocessing_becomes_one_tool_argument_semicolons_and_all()
    {
        var task = Task(" resize=36;centerCrop=32;color=rgb;mean=0.49,0.48,0.45;std=0.25,0.24,0.26 ");

        var arguments = task.CompressToolArguments("out.onnx", null);

        var at = arguments.IndexOf("--preprocessing");
        Assert.True(at > 0, string.Join(" ", arguments));
        Assert.Equal("resize=36;centerCrop=32;color=rgb;mean=0.49,0.48,0.45;std=0.25,0.24,0.26", arguments[at + 1]);
        Assert.DoesNotContain("--preprocessing", Task("").CompressToolArguments("out.onnx", null));
    }

    [Fact]
    public void A_changed_preprocessing_changes_the_cache_key()
    {
        var a = CompressionCache.ComputeKey(Task("mean=0.3;std=0.4").KeyParts(null, null));
        var same = CompressionCache.ComputeKey(Task("mean=0.3;std=0.4").KeyParts(null, null));
        var b = CompressionCache.ComputeKey(Task("mean=0.3;std=0.5").KeyParts(null, null));
        var none = CompressionCache.ComputeKey(Task(null).KeyParts(null, null));

        Assert.Equal(a, same);
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, none);
    }

    private AdmmNnCompress Task(string? preprocessing) => new()
    {
        Model = _dir.Write("m.onnx", "model"), Policy = _dir.Write("p.json", "{}"), Data = "fashion-mnist",
        OutputFile = Path.Combine(_dir.Path, "m.admmnn"), ReportDirectory = _dir.Path, ToolPath = _dir.Write("tool/admmnn.dll", "tool"),
        Preprocessing = preprocessing,
    };
}
