using System.Text.Json;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Commands;

/// <summary><c>admmnn compress</c> end to end on the shipped LeNet-5 with a policy that trains for seconds.</summary>
public sealed class CompressCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("admmnn-cli-compress");

    public void Dispose() => _temp.Dispose();

    private static string LeNet => RepoPaths.Combine("samples", "models", "lenet5-fashion.onnx");

    private string Policy(string extra = "") => _temp.WriteFile("policy.json", $$"""
        {
          "seed": 3,
          "layers": [
            { "match": "conv*.weight", "prune": { "keep": 0.5 } },
            { "match": "fc*.weight", "prune": { "keep": 0.05 }, "quantize": { "bits": 3 } }
          ],
          "schedule": {
            "batchSize": 32,
            "maxBatchesPerEpoch": 3,
            "admmInterval": 1,
            "monitorSamples": 100,
            "admmPrune": { "epochs": 1, "learningRate": 0.0005 },
            "retrain": { "epochs": 1, "learningRate": 0.0005 },
            "admmQuantize": { "epochs": 1, "learningRate": 0.0002 },
            "finetune": { "epochs": 0 }
          },
          "data": { "trainSamples": 400, "testSamples": 200 }{{extra}}
        }
        """);

    [Fact]
    public void Compress_writes_the_model_and_a_result_whose_weights_meet_the_policy()
    {
        var output = _temp.Combine("out", "c.onnx");
        var run = CliRun.Of("compress", LeNet, "--policy", Policy(), "--out", output);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.True(File.Exists(output));
        Assert.True(File.Exists(_temp.Combine("out", "report.html")));
        using var result = JsonDocument.Parse(File.ReadAllText(_temp.Combine("out", "report.json")));
        var layers = result.RootElement.GetProperty("layers").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        Assert.True(layers["fc1.weight"].GetProperty("nonZeros").GetInt64() <= 20_000, "fc1 keeps at most 5 % of 400,000");
        Assert.True(layers["conv2.weight"].GetProperty("nonZeros").GetInt64() <= 12_500, "conv2 keeps at most half of 25,000");
        Assert.True(layers["fc1.weight"].GetProperty("bits").GetInt32() <= 3);
        Assert.Equal(JsonValueKind.Null, result.RootElement.TryGetProperty("hardware", out var hw) ? hw.ValueKind : JsonValueKind.Null);
    }

    [Fact]
    public void A_failed_policy_gate_exits_3_and_under_msbuild_points_at_the_gate_line()
    {
        var policy = Policy(",\n  \"gates\": {\n    \"minStorageRatio\": 1000\n  }");
        var gateLine = File.ReadAllLines(policy).ToList().FindIndex(l => l.Contains("minStorageRatio", StringComparison.Ordinal)) + 1;
        var error = new StringWriter { NewLine = "\n" };
        var code = CommandLineApp.Run(["compress", LeNet, "--policy", policy, "--out", _temp.Combine("gate", "c.onnx")],
            new CliConsole(new StringWriter(), error, IsInteractive: false, ForMSBuild: true));

        Assert.True(code == ExitCodes.GateFailed, error.ToString());
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("admmnn-diagnostic: ", line);
        using var json = JsonDocument.Parse(line["admmnn-diagnostic: ".Length..]);
        Assert.Equal("ADMMNN022", json.RootElement.GetProperty("code").GetString());
        Assert.Equal(policy, json.RootElement.GetProperty("file").GetString());
        Assert.Equal(gateLine, json.RootElement.GetProperty("line").GetInt32());
        Assert.StartsWith("gate minStorageRatio failed: limit 1000, measured ", json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void Target_makes_compression_hardware_aware_and_reports_latency_before_and_after_per_layer()
    {
        var output = _temp.Combine("hw", "c.onnx");
        var run = CliRun.Of("compress", LeNet, "--policy", Policy(), "--out", output, "--target", "fpga");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("target fpga:", run.Out, StringComparison.Ordinal);
        foreach (var layer in new[] { "conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight" })
            Assert.Contains($"  {layer}: ", run.Out, StringComparison.Ordinal);
        using var result = JsonDocument.Parse(File.ReadAllText(_temp.Combine("hw", "report.json")));
        var hardware = result.RootElement.GetProperty("hardware");
        Assert.Equal("fpga", hardware.GetProperty("target").GetString());
        var layers = hardware.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(4, layers.Count);
        Assert.All(layers, l => Assert.True(l.GetProperty("latencyBefore").GetDouble() > 0 && l.GetProperty("latencyAfter").GetDouble() > 0));
        // fc1 is pruned 20x, far above any FPGA break-even: its estimated latency must fall.
        var fc1 = layers.Single(l => l.GetProperty("name").GetString() == "fc1.weight");
        Assert.True(fc1.GetProperty("latencyAfter").GetDouble() < fc1.GetProperty("latencyBefore").GetDouble());
        // The target prefers PE-wise blocks: the rewritten policy uses them.
        Assert.Contains("block", run.Out, StringComparison.Ordinal);

        // The model records each pruned weight's structure, for `analyze`; the ONNX file and the packed file both carry it.
        var metadata = new AdmmNn.Plugins.Onnx.OnnxFormat().FromBytes(File.ReadAllBytes(output)).Metadata;
        Assert.Equal("block", metadata["admmnn.structure.fc1.weight"]);
        var packed = _temp.Combine("hw", "c.admmnn");
        var pack = CliRun.Of("pack", output, "--out", packed);
        Assert.True(pack.ExitCode == 0, pack.Out + pack.Error);
        var model = AdmmNn.Runtime.CompressedModel.Load(File.ReadAllBytes(packed));
        Assert.Equal("block", model.Metadata["admmnn.structure.fc1.weight"]);
    }

    [Fact]
    public void The_policys_below_break_even_option_decides_between_dense_and_raised_layers()
    {
        // The convolutions ask for 2x unstructured, below the FPGA's 3x break-even (its preferred blocks break even near 1x,
        // hence preferTargetConstraints false): "dense" keeps them dense, "raise" prunes them past it. The raise run also
        // names the target on the command line, which must not drop the policy's hardware options.
        var dense = CompressWithHardware("dense", """, "hardware": { "target": "fpga", "belowBreakEven": "dense", "preferTargetConstraints": false }""");
        var raise = CompressWithHardware("raise", """, "hardware": { "target": "fpga", "belowBreakEven": "raise", "preferTargetConstraints": false, "goal": "computation" }""",
            "--target", "fpga");

        Assert.Equal("dense", dense.Hardware.GetProperty("belowBreakEven").GetString());
        Assert.Equal("raise", raise.Hardware.GetProperty("belowBreakEven").GetString());
        Assert.Equal("computation", raise.Hardware.GetProperty("goal").GetString());
        foreach (var conv in new[] { "conv1.weight", "conv2.weight" })
        {
            var kept = dense.Decision(conv);
            Assert.True(kept.GetProperty("keptDense").GetBoolean(), kept.ToString());
            Assert.Equal(dense.Parameters(conv), dense.NonZeros(conv));
            Assert.False(dense.Metadata.ContainsKey("admmnn.structure." + conv), "a layer kept dense has no pruning structure");

            var raised = raise.Decision(conv);
            Assert.Equal("unstructured", raised.GetProperty("constraint").GetString());
            Assert.False(raised.GetProperty("keptDense").GetBoolean(), raised.ToString());
            Assert.True(raised.GetProperty("adjustedRatio").GetDouble() > 2.0, raised.ToString());
            Assert.StartsWith("raised from 2x", raised.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.True(raise.NonZeros(conv) * 2 < raise.Parameters(conv), $"{conv} keeps {raise.NonZeros(conv)} of {raise.Parameters(conv)}");
            Assert.Equal("unstructured", raise.Metadata["admmnn.structure." + conv]);
        }
    }

    [Fact]
    public void A_pe_ternary_layer_the_target_keeps_dense_stays_ternary_in_each_pe_group()
    {
        // conv1 asks for all of its PE groups: below the FPGA break-even, so the target keeps it dense. Its rule is
        // pe-ternary (sparsity and levels in one set): dense must not mean float32 (it did: the levels went with the prune rule).
        var policy = File.ReadAllText(Policy(""", "hardware": { "target": "fpga" }""")).Replace(
            """{ "match": "conv*.weight", "prune": { "keep": 0.5 } },""",
            """
            { "match": "conv1.weight", "prune": { "keep": 1.0, "structure": "pe-ternary", "alpha": "group" } },
            { "match": "conv2.weight", "prune": { "keep": 0.5, "structure": "pe-ternary", "alpha": "group" } },
            """, StringComparison.Ordinal);
        Assert.Contains("pe-ternary", policy, StringComparison.Ordinal);
        var hardware = CompressWithPolicy("pe-dense", policy);

        Assert.True(hardware.Decision("conv1.weight").GetProperty("keptDense").GetBoolean());
        Assert.False(hardware.Metadata.ContainsKey("admmnn.structure.conv1.weight"), "a layer kept dense has no pruning structure");
        Assert.True(hardware.Bits("conv1.weight") < 32, $"conv1 is stored with {hardware.Bits("conv1.weight")}-bit codes");
        // conv1 is 20 x (1*5*5): PE groups of the FPGA's blockSize 16 are fan-in [0,16) and [16,25) of each output channel.
        var w = hardware.Weights["conv1.weight"];
        Assert.Equal(500, w.Length);
        var magnitudes = new HashSet<float>();
        for (var row = 0; row < 20; row++)
        {
            foreach (var (start, length) in new[] { (0, 16), (16, 9) })
            {
                var group = w.AsSpan(row * 25 + start, length).ToArray();
                var nonzero = group.Where(v => v != 0).Select(MathF.Abs).Distinct().ToList();
                Assert.True(nonzero.Count == 1, $"conv1 row {row} fan-in {start}: magnitudes {string.Join(", ", nonzero)} (ternary: exactly one, every group kept)");
                magnitudes.Add(nonzero[0]);
            }
        }
        Assert.True(magnitudes.Count > 1, "one a per group");

        // Kept dense, it runs dense on the FPGA (its ternary zeros are a level, not pruned weights): with narrower codes it
        // can be no slower than the float layer. (It was estimated as an unstructured sparse layer: 5.6 -> 9.7 us on LeNet-5.)
        var conv1 = hardware.Hardware.GetProperty("layers").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "conv1.weight");
        Assert.True(conv1.GetProperty("latencyAfter").GetDouble() <= conv1.GetProperty("latencyBefore").GetDouble(), conv1.ToString());
        Assert.Equal(1.0, conv1.GetProperty("ratioAfter").GetDouble());
    }

    private sealed record HardwareRun(JsonElement Root, IReadOnlyDictionary<string, string> Metadata, IReadOnlyDictionary<string, float[]> Weights)
    {
        public JsonElement Hardware => Root.GetProperty("hardware");

        public JsonElement Decision(string layer) =>
            Hardware.GetProperty("layers").EnumerateArray().Single(l => l.GetProperty("name").GetString() == layer).GetProperty("decision");

        private JsonElement Layer(string layer) => Root.GetProperty("layers").EnumerateArray().Single(l => l.GetProperty("name").GetString() == layer);

        public long NonZeros(string layer) => Layer(layer).GetProperty("nonZeros").GetInt64();

        public long Parameters(string layer) => Layer(layer).GetProperty("parameters").GetInt64();

        public int Bits(string layer) => Layer(layer).GetProperty("bits").GetInt32();
    }

    private HardwareRun CompressWithHardware(string name, string hardware, params string[] extra) =>
        CompressWithPolicy(name, File.ReadAllText(Policy(hardware)), extra);

    private HardwareRun CompressWithPolicy(string name, string policyText, params string[] extra)
    {
        var copy = _temp.WriteFile(name + ".json", policyText);
        var output = _temp.Combine(name, "c.onnx");
        var run = CliRun.Of(["compress", LeNet, "--policy", copy, "--out", output, .. extra]);
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        using var result = JsonDocument.Parse(File.ReadAllText(_temp.Combine(name, "report.json")));
        var model = new AdmmNn.Plugins.Onnx.OnnxFormat().FromBytes(File.ReadAllBytes(output));
        var weights = model.Initializers.Where(t => t.Floats is not null).ToDictionary(t => t.Name, t => t.Floats!);
        return new HardwareRun(result.RootElement.Clone(), model.Metadata, weights);
    }

    /// <summary>The test policy with distillation from <paramref name="teacher"/> (a path as written in the policy).</summary>
    private string TeacherPolicy(string teacher) => _temp.WriteFile(Path.Combine("policies", "teacher.json"), File.ReadAllText(Policy())
        .Replace("\"finetune\": { \"epochs\": 0 }", $"\"finetune\": {{ \"epochs\": 0 }},\n    \"distillation\": {{ \"weight\": 0.8, \"teacher\": \"{teacher}\" }}"));

    [Fact]
    public void A_missing_or_misfit_teacher_exits_2_naming_the_field_and_the_file_and_writes_nothing()
    {
        var missing = CliRun.Of("compress", LeNet, "--policy", TeacherPolicy("../models/nonesuch.onnx"), "--out", _temp.Combine("m", "c.onnx"));

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("schedule.distillation.teacher model file '", missing.Error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_temp.Path, "models", "nonesuch.onnx") + "' not found", missing.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.Combine("m")) && Directory.EnumerateFileSystemEntries(_temp.Combine("m")).Any());

        // A LeNet-5 with 7 outputs: it loads, but cannot teach a 10-class student.
        var onnx = new AdmmNn.Plugins.Onnx.OnnxFormat();
        var seven = onnx.FromBytes(File.ReadAllBytes(LeNet));
        foreach (var (name, dims) in new[] { ("fc2.weight", new long[] { 7, 500 }), ("fc2.bias", new long[] { 7 }) })
        {
            var t = seven.Initializer(name)!;
            t.Floats = t.Floats![..(int)dims.Aggregate(1L, (a, d) => a * d)];
            t.Dims = dims;
        }
        seven.Outputs[0] = seven.Outputs[0] with { Dims = [.. seven.Outputs[0].Dims[..^1], 7] };
        var sevenPath = _temp.WriteFile(Path.Combine("models", "seven.onnx"), onnx.ToBytes(seven));
        var misfit = CliRun.Of("compress", LeNet, "--policy", TeacherPolicy("../models/seven.onnx"), "--out", _temp.Combine("s", "c.onnx"));

        Assert.Equal(2, misfit.ExitCode);
        Assert.Contains($"schedule.distillation.teacher '{sevenPath}' gives 7 class scores per image, the student 10", misfit.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("s", "c.onnx")));
    }

    [Fact]
    public void Zero_threads_is_a_user_error()
    {
        var run = CliRun.Of("compress", LeNet, "--policy", Policy(), "--out", _temp.Combine("t", "c.onnx"), "--threads", "0");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--threads must be at least 1 (got 0)", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("t", "c.onnx")));
    }

    [Fact]
    public void An_unknown_target_is_a_user_error_that_names_the_known_ones()
    {
        var run = CliRun.Of("compress", LeNet, "--policy", Policy(), "--out", _temp.Combine("x", "c.onnx"), "--target", "nonesuch");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown target 'nonesuch'", run.Error, StringComparison.Ordinal);
        Assert.Contains("fpga", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("x", "c.onnx")));
    }
}
