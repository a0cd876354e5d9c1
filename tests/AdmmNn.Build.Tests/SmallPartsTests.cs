using AdmmNn.Build.Tasks;

namespace AdmmNn.Build.Tests;

public sealed class SmallPartsTests
{
    [Theory]
    [InlineData("60000", 60000)]
    [InlineData("60KB", 60000)]
    [InlineData("2KiB", 2048)]
    [InlineData(" 1.5 MB ", 1500000)]
    [InlineData("1MiB", 1048576)]
    [InlineData("12B", 12)]
    public void ByteSize_parses_units(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("lots")]
    [InlineData("5 GB")]
    public void ByteSize_rejects_non_sizes(string text) => Assert.False(ByteSize.TryParse(text, out _));

    [Theory]
    [InlineData(new[] { "a", "b" }, "a b")]
    [InlineData(new[] { "with space", "" }, "\"with space\" \"\"")]
    [InlineData(new[] { "say \"hi\"" }, "\"say \\\"hi\\\"\"")]
    [InlineData(new[] { "dir with space\\" }, "\"dir with space\\\\\"")]
    [InlineData(new[] { "plain\\path" }, "plain\\path")]
    public void Quoting_follows_the_dotnet_argument_rules(string[] arguments, string expected) =>
        Assert.Equal(expected, CommandLineQuoting.Join(arguments));

    [Fact]
    public void Quoted_arguments_survive_a_real_process_round_trip()
    {
        var arguments = new[] { "simple", "with space", "quote\"inside", "trailing\\", "", "back\\\\slash \"mix\"\\" };
        var process = new ToolProcess("/usr/bin/printf", Path.GetTempPath(), new Dictionary<string, string>());
        var lines = new List<string>();
        var exit = process.Run(new[] { "%s\\n" }.Concat(arguments), (line, _) => { lock (lines) lines.Add(line); }, CancellationToken.None);
        Assert.Equal(0, exit);
        Assert.Equal(arguments, lines);
    }

    [Fact]
    public void Cache_key_follows_file_content_not_path()
    {
        using var dir = new TempDirectory();
        var a = dir.Write("a.onnx", "model-1");
        var b = dir.Write("b.onnx", "model-1");
        var keyA = CompressionCache.ComputeKey(new Dictionary<string, string> { ["model"] = a, ["target"] = "fpga" });
        var keyB = CompressionCache.ComputeKey(new Dictionary<string, string> { ["model"] = b, ["target"] = "fpga" });
        Assert.Equal(keyA, keyB);
        File.WriteAllText(b, "model-2");
        Assert.NotEqual(keyA, CompressionCache.ComputeKey(new Dictionary<string, string> { ["model"] = b, ["target"] = "fpga" }));
        Assert.NotEqual(keyA, CompressionCache.ComputeKey(new Dictionary<string, string> { ["model"] = a, ["target"] = "cpu" }));
    }

    [Fact]
    public void Cache_key_of_a_folder_covers_names_and_contents()
    {
        using var dir = new TempDirectory();
        dir.Write("data/x.idx", "1");
        var data = Path.Combine(dir.Path, "data");
        var before = CompressionCache.ComputeKey(new Dictionary<string, string> { ["data"] = data });
        dir.Write("data/y.idx", "2");
        Assert.NotEqual(before, CompressionCache.ComputeKey(new Dictionary<string, string> { ["data"] = data }));
    }

    [Fact]
    public void Cache_store_then_get_returns_the_files()
    {
        using var dir = new TempDirectory();
        var cache = new CompressionCache(Path.Combine(dir.Path, "cache"));
        Assert.Null(cache.TryGet("k1"));
        var packed = dir.Write("m.admmnn", "packed");
        var report = dir.Write("report.json", "{}");
        cache.Store("k1", new Dictionary<string, string> { [packed] = CompressionCache.PackedName, [report] = "report.json" });
        var entry = cache.TryGet("k1");
        Assert.NotNull(entry);
        Assert.Equal("packed", File.ReadAllText(Path.Combine(entry!, CompressionCache.PackedName)));
        Assert.Empty(Directory.GetDirectories(Path.Combine(dir.Path, "cache"), "*.tmp-*"));
    }

    [Fact]
    public void Tool_diagnostic_lines_are_read_as_typed_and_other_lines_are_not()
    {
        // The exact line the tool writes under ADMMNN_MSBUILD=1 (AdmmNn.Cli.Tests checks the tool's side).
        var line = "admmnn-diagnostic: {\"severity\":\"error\",\"code\":\"ADMMNN011\",\"message\":\"layers[0].prune.keep must be in (0,1], got 1.5 (see \\\"keep\\\")\",\"file\":\"/app/admmnn.json\",\"line\":7,\"column\":0}";
        var diagnostic = ToolDiagnostic.TryRead(line);
        Assert.NotNull(diagnostic);
        Assert.False(diagnostic!.IsWarning);
        Assert.Equal(("ADMMNN011", "/app/admmnn.json", 7, 0), (diagnostic.Code, diagnostic.File, diagnostic.Line, diagnostic.Column));
        Assert.Equal("layers[0].prune.keep must be in (0,1], got 1.5 (see \"keep\")", diagnostic.Message);

        var warning = ToolDiagnostic.TryRead("admmnn-diagnostic: {\"severity\":\"warning\",\"code\":\"ADMMNN030\",\"message\":\"m\",\"file\":null,\"line\":0,\"column\":0}");
        Assert.True(warning!.IsWarning);
        Assert.Null(warning.File);

        // Text is never mined for meaning: an "error:" line, even in the canonical MSBuild form, is a message.
        Assert.Null(ToolDiagnostic.TryRead("error: policy.json:3: layers[0] is bad"));
        Assert.Null(ToolDiagnostic.TryRead("policy.json(3,5): error ADMMNN011: bad"));
        Assert.Null(ToolDiagnostic.TryRead("admmnn-diagnostic: {not json"));
    }
}
