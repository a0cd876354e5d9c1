using System.Diagnostics;
using System.Text;

namespace AdmmNn.Build.Tests;

/// <summary>
/// The props/targets from the source tree and the task assembly from this build, driven by plain <c>dotnet build</c>
/// of a small app, with a fake admmnn (TestTool/fake-admmnn) that records its arguments. Fast, and independent of
/// the real compression; PackagedSampleTests covers the real tool from packed packages.
/// </summary>
[Collection(DotnetBuildCollection.Name)]
public sealed class TargetsWithFakeToolTests : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(2);
    private readonly TempDirectory _dir = new("admmnn-targets");
    private readonly string _log;
    private readonly string _cache;

    public TargetsWithFakeToolTests()
    {
        var here = AppContext.BaseDirectory;
        var fake = Path.Combine(here, "TestTool", "fake-admmnn");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        _log = Path.Combine(_dir.Path, "tool-calls.log");
        _cache = Path.Combine(_dir.Path, "cache");
        _dir.Write("Directory.Build.props", "<Project />");
        _dir.Write("Directory.Build.targets", "<Project />");
        _dir.Write("models/lenet.onnx", "fake onnx model");
        _dir.Write("admmnn.json", "{ \"sparsity\": 0.9 }");
        _dir.Write("app.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{Path.Combine(here, "build", "AdmmNn.Build.props")}" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <AdmmNnToolPath>{fake}</AdmmNnToolPath>
                <AdmmNnTaskAssembly>{Path.Combine(here, "AdmmNn.Build.dll")}</AdmmNnTaskAssembly>
                <AdmmNnCacheDirectory>{_cache}</AdmmNnCacheDirectory>
              </PropertyGroup>
              <ItemGroup>
                <AdmmNnModel Include="models/lenet.onnx" Policy="admmnn.json" Data="fashion-mnist" HardwareTarget="fpga" MaxAccuracyDrop="5%" />
              </ItemGroup>
              <Import Project="{Path.Combine(here, "build", "AdmmNn.Build.targets")}" />
            </Project>
            """);
        _dir.Write("Program.cs", """
            foreach (var name in typeof(Program).Assembly.GetManifestResourceNames())
            {
                using var reader = new StreamReader(typeof(Program).Assembly.GetManifestResourceStream(name)!);
                Console.WriteLine($"{name}: {reader.ReadToEnd()}");
            }
            """);
    }

    private string Packed => Path.Combine(_dir.Path, "obj", "Debug", "net10.0", "admmnn", "lenet.admmnn");

    private (int ExitCode, string Output) Build(params string[] extra) =>
        DotnetCli.Run(_dir.Path, Environment(), BuildTimeout, ["build", "-tl:off", "-v:n", "-nodeReuse:false", .. extra]);

    private Dictionary<string, string> Environment(int sleepSeconds = 0) => new()
    {
        ["FAKE_ADMMNN_LOG"] = _log,
        ["FAKE_ADMMNN_SLEEP"] = sleepSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private int ToolCalls(string verb) => File.Exists(_log) ? File.ReadAllLines(_log).Count(l => l.StartsWith(verb + " ", StringComparison.Ordinal)) : 0;

    [Fact]
    public void Builds_compress_once_embed_always_recompress_on_change_and_reuse_the_cache()
    {
        var first = Build();
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("AdmmNn: compressing", first.Output);
        Assert.Equal(1, ToolCalls("compress"));
        Assert.Equal(1, ToolCalls("pack"));
        var call = File.ReadAllLines(_log)[0];
        Assert.Contains("--policy " + Path.Combine(_dir.Path, "admmnn.json"), call);
        Assert.Contains("--data fashion-mnist", call);
        Assert.Contains("--target fpga", call);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "obj", "Debug", "net10.0", "admmnn", "lenet", "report.html")));
        Assert.Equal("AdmmNn.Models.lenet.admmnn: ADMMNN-PACKED:fake onnx model", RunApp());

        var stamp = File.GetLastWriteTimeUtc(Packed);
        var second = Build("-v:d");
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("Skipping target \"AdmmNnCompressModels\" because all output files are up-to-date", second.Output);
        Assert.DoesNotContain("AdmmNn: compressing", second.Output);
        Assert.Equal(1, ToolCalls("compress"));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Packed));
        Assert.Equal("AdmmNn.Models.lenet.admmnn: ADMMNN-PACKED:fake onnx model", RunApp());

        _dir.Write("admmnn.json", "{ \"sparsity\": 0.95 }");
        var third = Build();
        Assert.True(third.ExitCode == 0, third.Output);
        Assert.Contains("AdmmNn: compressing", third.Output);
        Assert.Equal(2, ToolCalls("compress"));

        // A clean build reuses the compression from the content-hash cache: the tool does not run.
        Directory.Delete(Path.Combine(_dir.Path, "obj"), recursive: true);
        var clean = Build();
        Assert.True(clean.ExitCode == 0, clean.Output);
        Assert.Contains("restored from cache", clean.Output);
        Assert.Equal(2, ToolCalls("compress"));
        Assert.Equal("AdmmNn.Models.lenet.admmnn: ADMMNN-PACKED:fake onnx model", RunApp());
    }

    [Fact]
    public void Plugin_items_become_plugin_options_and_a_changed_plugin_recompresses()
    {
        _dir.Write("plugins/acme/acme.dll", "plugin v1");
        _dir.Write("plugins/acme/acme.deps.json", "{}");
        _dir.Write("lib/beta/Beta.dll", "beta");
        _dir.Write("lib/beta/Beta.deps.json", "{ \"v\": 1 }");
        AddToProject("""<ItemGroup><AdmmNnPlugin Include="plugins/acme/" /><AdmmNnPlugin Include="lib/beta/Beta.dll" /></ItemGroup>""");
        var acme = Path.Combine(_dir.Path, "plugins", "acme");
        var beta = Path.Combine(_dir.Path, "lib", "beta", "Beta.dll");

        var first = Build();
        Assert.True(first.ExitCode == 0, first.Output);
        var call = File.ReadAllLines(_log).Single(l => l.StartsWith("compress ", StringComparison.Ordinal));
        Assert.Contains($"--plugin {acme} --plugin {beta}", call);
        // pack reads the compressed model through the same plugins (a plugin model format), so it gets them too.
        Assert.Contains($"--plugin {acme} --plugin {beta}", File.ReadAllLines(_log).Single(l => l.StartsWith("pack ", StringComparison.Ordinal)));
        var stamp = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(Packed)!, "lenet.inputs"));
        Assert.Contains($"plugin={acme}{Path.DirectorySeparatorChar}", stamp);
        Assert.Contains($"plugin={beta}", stamp);

        var unchanged = Build("-v:d");
        Assert.True(unchanged.ExitCode == 0, unchanged.Output);
        Assert.Contains("Skipping target \"AdmmNnCompressModels\" because all output files are up-to-date", unchanged.Output);
        Assert.Equal(1, ToolCalls("compress"));

        // A rebuilt plugin (a file in its folder; a .dll or its .deps.json) recompresses, and not from the cache: the key hashes it.
        _dir.Write("plugins/acme/acme.dll", "plugin v2");
        var rebuilt = Build();
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Output);
        Assert.Contains("AdmmNn: compressing", rebuilt.Output);
        Assert.Equal(2, ToolCalls("compress"));
        _dir.Write("lib/beta/Beta.deps.json", "{ \"v\": 2 }");
        var dependency = Build();
        Assert.True(dependency.ExitCode == 0, dependency.Output);
        Assert.Equal(3, ToolCalls("compress"));
        // Other files beside a .dll are not the plugin's (it may sit in a bin folder): they change nothing.
        _dir.Write("lib/beta/Unrelated.dll", "someone else's output");
        var unrelated = Build();
        Assert.True(unrelated.ExitCode == 0, unrelated.Output);
        Assert.Equal(3, ToolCalls("compress"));

        // Dropping a plugin changes the stamp and the cache key: compressed again, without it.
        var project = Path.Combine(_dir.Path, "app.csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("""<AdmmNnPlugin Include="lib/beta/Beta.dll" />""", ""));
        var dropped = Build();
        Assert.True(dropped.ExitCode == 0, dropped.Output);
        Assert.Equal(4, ToolCalls("compress"));
        Assert.DoesNotContain("Beta.dll", File.ReadAllLines(_log).Last(l => l.StartsWith("compress ", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_missing_plugin_fails_with_ADMMNN001()
    {
        AddToProject("""<ItemGroup><AdmmNnPlugin Include="plugins/nonesuch.dll" /></ItemGroup>""");
        var result = Build();
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error ADMMNN001: AdmmNnPlugin '" + Path.Combine(_dir.Path, "plugins", "nonesuch.dll") + "' does not exist", result.Output);
        Assert.Equal(0, ToolCalls("compress"));
    }

    private void AddToProject(string xml)
    {
        var project = Path.Combine(_dir.Path, "app.csproj");
        var text = File.ReadAllText(project);
        var end = text.LastIndexOf("  <Import Project=", StringComparison.Ordinal);
        File.WriteAllText(project, text[..end] + "  " + xml + "\n" + text[end..]);
    }

    [Fact]
    public void Broken_policy_fails_with_code_file_line_and_field()
    {
        _dir.Write("admmnn.json", "{\n  \"layers\": [\n    { \"sparsity\": broken }\n  ]\n}\n");
        var result = Build();
        Assert.NotEqual(0, result.ExitCode);
        var policy = Path.Combine(_dir.Path, "admmnn.json");
        Assert.Contains($"{policy}(3,17): error ADMMNN011: layers[0].sparsity", result.Output);
        Assert.False(File.Exists(Packed));
    }

    [Fact]
    public void Accuracy_gate_fails_the_build()
    {
        var project = Path.Combine(_dir.Path, "app.csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("MaxAccuracyDrop=\"5%\"", "MaxAccuracyDrop=\"0.01\""));
        var result = Build();
        Assert.NotEqual(0, result.ExitCode);
        // The tool measures the gate (it got the limit); the task logs its typed diagnostic as it is.
        Assert.Contains("--max-accuracy-drop 0.01", File.ReadAllLines(_log).Single(l => l.StartsWith("compress ", StringComparison.Ordinal)));
        Assert.Contains("error ADMMNN020: gate maxAccuracyDrop failed: limit 0.01, measured 0.02", result.Output);
        Assert.False(File.Exists(Packed));
    }

    [Fact]
    public void Size_gate_fails_the_build()
    {
        var project = Path.Combine(_dir.Path, "app.csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("MaxAccuracyDrop=\"5%\"", "MaxModelBytes=\"10B\""));
        var result = Build();
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--max-bytes 10", File.ReadAllLines(_log).Single(l => l.StartsWith("pack ", StringComparison.Ordinal)));
        Assert.Contains("error ADMMNN021: gate maxModelBytes failed: limit 10, measured", result.Output);
        Assert.False(File.Exists(Packed));
    }

    [Fact]
    public void Cancelled_build_leaves_no_output_and_the_next_build_works()
    {
        var output = new StringBuilder();
        using (var build = DotnetCli.Start(_dir.Path, Environment(sleepSeconds: 60), output, "build", "-tl:off", "-v:n", "-nodeReuse:false"))
        {
            var watch = Stopwatch.StartNew();
            while (!Snapshot(output).Contains("admmnn compress: epoch") && watch.Elapsed < BuildTimeout && !build.HasExited) Thread.Sleep(100);
            Assert.False(build.HasExited, Snapshot(output));
            DotnetCli.Interrupt(build);
            Assert.True(build.WaitForExit(TimeSpan.FromSeconds(30)), "the build did not stop after Ctrl+C:\n" + Snapshot(output));
            build.WaitForExit();
            Assert.NotEqual(0, build.ExitCode);
        }
        Assert.Contains("compress cancelled; no output written", Snapshot(output));
        var admmnnDir = Path.GetDirectoryName(Packed)!;
        Assert.False(File.Exists(Packed));
        Assert.Empty(Directory.GetDirectories(admmnnDir, "*.tmp-*"));
        Assert.Empty(Directory.Exists(_cache) ? Directory.GetFileSystemEntries(_cache) : []);

        var next = Build();
        Assert.True(next.ExitCode == 0, next.Output);
        Assert.True(File.Exists(Packed));
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output) return output.ToString();
    }

    private string RunApp()
    {
        var result = DotnetCli.Run(_dir.Path, Environment(), BuildTimeout, Path.Combine(_dir.Path, "bin", "Debug", "net10.0", "app.dll"));
        Assert.True(result.ExitCode == 0, result.Output);
        return result.Output.Trim();
    }

    public void Dispose() => _dir.Dispose();
}
