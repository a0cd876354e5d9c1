using System.Text.Json;
using System.Text.Json.Nodes;
using AdmmNn.Cli;
using AdmmNn.TestUtilities;

namespace AdmmNn.PluginHost.Tests;

/// <summary>The plugin verbs, run in-process with the bundled plugins in plugins/ beside this test assembly (as beside the tool).</summary>
public class CliVerbTests
{
    private static readonly string LeNet = RepoPaths.Combine("samples", "models", "lenet5_pytorch.onnx");

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CommandLineApp.Run(args, new CliConsole(output, error, IsInteractive: false));
        return (code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Plugins_lists_built_in_bundled_and_command_line_plugins_and_the_broken_ones()
    {
        using var temp = new TempDirectory();
        var garbage = temp.WriteFile("Broken.dll", [1, 2, 3, 4, 5]);

        var (code, output, _) = Run("plugins", "--plugin", BuiltPlugins.SamplePath, "--plugin", garbage);

        Assert.Equal(ExitCodes.Ok, code);
        var lines = output.Split('\n');
        Assert.Matches(@"^name\s+version\s+kind\s+contract\s+source\s+path$", lines[0]);
        Assert.Matches(@"^onnx\s+\S+\s+format\s+1\.1\s+built-in\s", lines[2]);
        foreach (var target in new[] { "fpga", "asic", "mobile-gpu", "host-cpu" })
            Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^{target}\s+0\.1\.0\s+target\s+1\.1\s+tool plugins/\s+.*plugins/AdmmNn\.Plugins\.\w+/AdmmNn\.Plugins\.\w+\.dll$"));
        Assert.Contains(lines, l => l.StartsWith("acme ", StringComparison.Ordinal) && l.Contains("1.2.0") && l.Contains("--plugin") && l.EndsWith(BuiltPlugins.SamplePath, StringComparison.Ordinal));
        Assert.Contains("not loaded (1):", output);
        Assert.Contains($"  {garbage} (--plugin): not a .NET assembly", output);
    }

    [Fact]
    public void Plugins_lists_what_each_plugin_adds_including_constraint_kinds()
    {
        var (code, output, _) = Run("plugins", "--plugin", BuiltPlugins.RowCapPath);

        Assert.Equal(ExitCodes.Ok, code);
        var lines = output.Split('\n');
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^rowcap\s+1\.0\s+constraint\s+{AdmmNn.Abstractions.Plugins.ContractVersion.Major}\.{AdmmNn.Abstractions.Plugins.ContractVersion.Minor}\s+--plugin\s"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^extension\s+name\s+plugin\s+description$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^constraint kind\s+row-cap\s+rowcap\s+at most k nonzeros per output row$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^model format\s+onnx\s+onnx\s+\.onnx"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^hardware target\s+fpga\s+fpga\s"));
    }

    [Fact]
    public void Compress_with_a_plugin_constraint_kind_writes_a_model_whose_weights_satisfy_it()
    {
        using var temp = new TempDirectory();
        var policy = temp.WriteFile("rowcap.json", RowCapPolicy);
        var output = temp.Combine("out", "rowcap.onnx");

        var (code, stdout, error) = Run("compress", RepoPaths.Combine("samples", "models", "lenet5-fashion.onnx"), "--policy", policy,
            "--out", output, "--plugin", BuiltPlugins.RowCapPath);

        Assert.True(code == ExitCodes.Ok, stdout + error);
        // Read back from the file: every output row of fc1 (500 x 800) and fc2 (10 x 500) keeps at most k = 6 weights.
        using var stream = File.OpenRead(output);
        var graph = new AdmmNn.Plugins.Onnx.OnnxFormat().Read(stream, temp.Path);
        foreach (var name in new[] { "fc1.weight", "fc2.weight" })
        {
            var init = graph.Initializers.Single(i => i.Name == name);
            var (rows, columns) = ((int)init.Dims[0], (int)init.Dims[1]);
            var values = init.Floats!;
            var perRow = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, columns).Count(c => values[r * columns + c] != 0)).ToList();
            Assert.All(perRow, n => Assert.InRange(n, 0, 6));
            Assert.True(perRow.Sum() > rows, $"{name}: the cap is met by keeping weights, not by zeroing the layer");
        }
        Assert.Contains("row-cap, at most 6 of 800 per row", File.ReadAllText(temp.Combine("out", "report.json")));
    }

    /// <summary>Plugin kind <c>row-cap</c> on the fully connected layers; trains for seconds.</summary>
    internal const string RowCapPolicy = """
        {
          "seed": 5,
          "layers": [
            { "match": "fc*.weight", "constraint": { "kind": "row-cap", "k": 6 } }
          ],
          "schedule": {
            "batchSize": 32, "maxBatchesPerEpoch": 3, "admmInterval": 1, "monitorSamples": 50,
            "admmPrune": { "epochs": 1, "learningRate": 0.0005 },
            "retrain": { "epochs": 1, "learningRate": 0.0005 },
            "admmQuantize": { "epochs": 0 },
            "finetune": { "epochs": 0 }
          },
          "data": { "trainSamples": 200, "testSamples": 100 }
        }
        """;

    [Fact]
    public void Targets_lists_every_target_and_prints_a_default_profile()
    {
        var (code, output, _) = Run("targets", "--plugin", BuiltPlugins.FolderOf(BuiltPlugins.SamplePath));
        Assert.Equal(ExitCodes.Ok, code);
        foreach (var target in new[] { "fpga", "asic", "mobile-gpu", "host-cpu", "acme-systolic" })
            Assert.Contains(output.Split('\n'), l => l.StartsWith(target + " ", StringComparison.Ordinal));

        var profile = Run("targets", "--profile-of", "fpga");
        Assert.Equal(ExitCodes.Ok, profile.Code);
        Assert.Equal(256, JsonNode.Parse(profile.Out)!["peCount"]!.GetValue<int>());

        var unknown = Run("targets", "--profile-of", "tpu");
        Assert.Equal(ExitCodes.UserError, unknown.Code);
        Assert.Contains("unknown target 'tpu' (known: ", unknown.Error);
    }

    [Fact]
    public void Analyze_prints_the_per_layer_table_with_break_even_ratios()
    {
        var (code, output, error) = Run("analyze", LeNet, "--target", "fpga");
        Assert.True(code == ExitCodes.Ok, error);
        var lines = output.Split('\n');
        Assert.Equal("lenet5_pytorch.onnx on fpga (batch 1)", lines[0]);
        Assert.Matches(@"^conv1\.weight\s+Conv\s+\[20x1x5x5\]\s+dense\s+288,000\s+500\s+1\.00x\s+3\.00x\s+5\.625\s+5\.625\s+1\.00x\s+dense; prune >= 3\.00x to gain$", lines[3]);
        Assert.Matches(@"^fc1\.weight\s+Gemm\s+\[500x800\]\s+dense\s+400,000\s+400,000\s+1\.00x\s+3\.00x\s+7\.813\s+7\.813\s+1\.00x", lines[5]);
        Assert.StartsWith("total", lines[7]);
    }

    [Fact]
    public void Analyze_uses_a_profile_and_shows_energy_where_modeled()
    {
        using var temp = new TempDirectory();
        var profile = temp.WriteFile("asic.json", """{ "macUnits": 128 }""");
        var (code, output, error) = Run("analyze", LeNet, "--target", "asic", "--profile", profile);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("dense uJ", output);
        // conv1 compute-bound at 128 MAC units: 288,000 / 128 = 2,250 cycles at 800 MHz = 2.8125 µs.
        Assert.Matches(@"conv1\.weight\s+Conv\s+\[20x1x5x5\]\s+dense\s+288,000\s+500\s+1\.00x\s+1\.44x\s+2\.813\s", output);
    }

    [Fact]
    public void Analyze_runs_a_third_party_target_through_the_contract()
    {
        var (code, output, error) = Run("analyze", LeNet, "--target", "acme-systolic", "--plugin", BuiltPlugins.SamplePath);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("on acme-systolic", output);
        Assert.Matches(@"conv1\.weight\s+Conv.*\s+never\s", output);
    }

    [Theory]
    [InlineData("""{ "peCount": 0 }""", "fpga profile field 'peCount': must be a number > 0")]
    [InlineData("""{ "peCount": 8, }}""", "invalid JSON")]
    public void A_bad_profile_is_a_user_error_naming_the_file_and_field(string json, string message)
    {
        using var temp = new TempDirectory();
        var profile = temp.WriteFile("fpga.json", json);
        var (code, _, error) = Run("analyze", LeNet, "--target", "fpga", "--profile", profile);
        Assert.Equal(ExitCodes.UserError, code);
        Assert.StartsWith($"error: {profile}", error);
        Assert.Contains(message, error);
    }

    [Fact]
    public void A_broken_plugin_is_a_warning_and_analysis_goes_on()
    {
        var (code, output, error) = Run("analyze", LeNet, "--target", "mobile-gpu", "--plugin", BuiltPlugins.ThrowingPath);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"warning: plugin {BuiltPlugins.ThrowingPath} (--plugin) not loaded: constructor of", error);
        Assert.Contains("on mobile-gpu", output);
    }
}
