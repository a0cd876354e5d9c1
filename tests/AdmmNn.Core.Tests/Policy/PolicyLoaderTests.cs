using AdmmNn.Core.Policy;

namespace AdmmNn.Core.Tests.Policy;

public sealed class PolicyLoaderTests
{
    private const string Valid = """
        {
          // comments are allowed
          "description": "test",
          "seed": 7,
          "layers": [
            { "match": "conv*.weight", "prune": { "keep": 0.5 } },
            { "match": "fc1.weight", "prune": { "ratio": 50, "structure": "block", "rows": 4, "cols": 2 }, "quantize": { "bits": 3 } },
            { "match": "fc2.weight", "quantize": { "levels": "ternary" }, "rho": { "initial": 0.01 } },
            { "match": "x", "constraint": { "kind": "fancy", "phase": "quantize", "alpha": 3 } },
          ],
          "schedule": { "batchSize": 32, "maxBatchesPerEpoch": 5, "admmPrune": { "epochs": 0.5 }, "rho": { "initial": 0.002, "multiplier": 2, "max": 0.1 } },
          "gates": { "maxAccuracyDrop": 0.02 }
        }
        """;

    [Fact]
    public void Parses_every_section()
    {
        var p = PolicyLoader.Parse(Valid);
        Assert.Equal(7, p.Seed);
        Assert.Equal(4, p.Layers.Count);
        Assert.Equal(0.5, p.Layers[0].Prune!.Keep);
        Assert.Equal("block", p.Layers[1].Prune!.Structure);
        Assert.Equal(1.0 / 50, p.Layers[1].Prune!.Keep, 12);
        Assert.Equal(3, p.Layers[1].Quantize!.Bits);
        Assert.Equal("ternary", p.Layers[2].Quantize!.Levels);
        Assert.Equal(0.01, p.Layers[2].Rho!.Initial);
        Assert.Equal("fancy", p.Layers[3].Constraint!.Kind);
        Assert.Equal("quantize", p.Layers[3].Constraint!.Phase);
        Assert.Equal(32, p.Schedule.BatchSize);
        Assert.Equal(5, p.Schedule.MaxBatchesPerEpoch);
        Assert.Equal(0.5, p.Schedule.AdmmPrune.Epochs);
        Assert.Equal(0.1, p.Schedule.Rho.Max);
        Assert.Equal(0.02, p.Gates.MaxAccuracyDrop);
        Assert.True(p.Layers[0].Matches("conv2.weight"));
        Assert.False(p.Layers[0].Matches("conv2.bias"));
    }

    [Theory]
    [InlineData("\"keep\": 0.5", "\"keep\": 1.5", "policy.json:6: layers[0].prune.keep must be in (0,1], got 1.5")]
    [InlineData("\"keep\": 0.5", "\"ratio\": 0.5", "policy.json:6: layers[0].prune.ratio must be a pruning ratio >= 1, got 0.5")]
    [InlineData("\"keep\": 0.5", "\"keep\": 0.5, \"ratio\": 3", "policy.json:6: layers[0].prune.keep give either keep or ratio, not both")]
    [InlineData("\"bits\": 3", "\"bits\": 12", "policy.json:7: layers[1].quantize.bits must be in [2,8], got 12")]
    [InlineData("\"ternary\"", "\"quinary\"", "policy.json:8: layers[2].quantize.levels must be one of uniform, pow2, ternary, binary, got 'quinary'")]
    [InlineData("\"batchSize\": 32", "\"batchSize\": 0", "policy.json:11: schedule.batchSize must be in [1,65536], got 0")]
    [InlineData("\"batchSize\": 32", "\"batchsize\": 32", "policy.json:11: schedule.batchsize is not a known field")]
    [InlineData("\"rows\": 4", "\"rows\": 0", "policy.json:7: layers[1].prune.rows must be in [1,4096], got 0")]
    [InlineData("\"maxAccuracyDrop\": 0.02", "\"maxAccuracyDrop\": \"low\"", "policy.json:12: gates.maxAccuracyDrop must be a number, got string")]
    [InlineData("\"seed\": 7,", "\"seed\": 7", "policy.json:5: is not valid JSON")]
    public void Errors_name_the_line_and_the_field(string find, string replace, string expected) => AssertError(Valid, find, replace, expected);

    [Theory]
    [InlineData("\"keep\": 0.5", "\"keep\": 0.5, \"keep\": 0.2", "policy.json:6: layers[0].prune.keep repeats key 'keep' (first given on line 6)")]
    [InlineData("\"seed\": 7,", "\"seed\": 7,\n  \"seed\": 8,", "policy.json:5: seed repeats key 'seed' (first given on line 4)")]
    public void A_repeated_key_is_an_error_naming_the_file_line_and_key(string find, string replace, string expected)
    {
        AssertError(Valid, find, replace, expected);
        var ex = Assert.Throws<PolicyException>(() => PolicyLoader.Parse(Valid.Replace(find, replace), "dir/admmnn.json"));
        Assert.Equal(("dir/admmnn.json", AdmmNn.Diagnostics.DiagnosticCodes.Policy), (ex.Diagnostic.File, ex.Diagnostic.Code));
        Assert.Equal(ex.Line, ex.Diagnostic.Line);
    }

    [Fact]
    public void The_same_key_in_two_objects_is_not_a_repeat() =>
        Assert.Equal(2, PolicyLoader.Parse("""{ "layers": [ { "match": "a", "prune": { "keep": 0.5 } }, { "match": "b", "prune": { "keep": 0.5 } } ] }""").Layers.Count);

    /// <summary>Edits <paramref name="policy"/> (the edit must change it) and expects an error message starting as given.</summary>
    private static void AssertError(string policy, string find, string replace, string expected)
    {
        var json = policy.Replace(find, replace);
        Assert.NotEqual(policy, json);
        var ex = Assert.Throws<PolicyException>(() => PolicyLoader.Parse(json));
        Assert.StartsWith(expected, ex.Message);
    }

    private const string Training = """
        {
          "layers": [
            { "match": "fc1.weight", "prune": { "keep": 0.1 }, "quantize": { "bits": 3 }, "bias": { "bits": 8 } }
          ],
          "schedule": {
            "distillation": { "weight": 0.7, "temperature": 4 },
            "retrain": { "epochs": 2, "learningRate": 0.001, "decay": "cosine", "finalLearningRate": 0.00001 }
          }
        }
        """;

    [Fact]
    public void Parses_distillation_decay_and_bias_levels()
    {
        var p = PolicyLoader.Parse(Training);
        Assert.Equal(0.7, p.Schedule.Distillation!.Weight);
        Assert.Equal(4, p.Schedule.Distillation.Temperature);
        Assert.Equal("cosine", p.Schedule.Retrain.Decay);
        Assert.Equal(1e-5, p.Schedule.Retrain.FinalLearningRate);
        Assert.Equal("constant", p.Schedule.AdmmPrune.Decay);
        Assert.Equal(8, p.Layers[0].Bias!.Bits);
        Assert.Null(PolicyLoader.Parse(Valid).Schedule.Distillation);
    }

    [Fact]
    public void A_teacher_path_is_resolved_against_the_policy_files_folder()
    {
        using var temp = new AdmmNn.TestUtilities.TempDirectory();
        var teacher = temp.WriteFile(System.IO.Path.Combine("models", "teacher.onnx"), "not read by the parser");
        var policyFile = temp.Combine("policies", "p.json");
        var json = Training.Replace("\"temperature\": 4", "\"temperature\": 4, \"teacher\": \"../models/teacher.onnx\"");

        Assert.Equal(System.IO.Path.GetFullPath(teacher), PolicyLoader.Parse(json, policyFile).Schedule.Distillation!.Teacher);
        Assert.Null(PolicyLoader.Parse(Training).Schedule.Distillation!.Teacher); // none: the input model teaches
    }

    [Theory]
    [InlineData("\"../models/nonesuch.onnx\"", "schedule.distillation.teacher model file '", "nonesuch.onnx' not found (a relative path is relative to the policy file's folder)")]
    [InlineData("\"  \"", "schedule.distillation.teacher must name a model file", "got an empty string")]
    [InlineData("3", "schedule.distillation.teacher must be a string, got number", "")]
    public void A_bad_teacher_is_an_error_naming_the_field_and_the_file(string value, string start, string end)
    {
        using var temp = new AdmmNn.TestUtilities.TempDirectory();
        var policyFile = temp.Combine("policies", "p.json");
        var json = Training.Replace("\"temperature\": 4", $"\"temperature\": 4, \"teacher\": {value}");

        var ex = Assert.Throws<PolicyException>(() => PolicyLoader.Parse(json, policyFile));
        Assert.StartsWith($"{policyFile}:6: {start}", ex.Message);
        Assert.Contains(end, ex.Message);
    }

    private const string PhaseRho = """
        {
          "layers": [
            { "match": "fc1.weight", "prune": { "keep": 0.1 }, "quantize": { "bits": 3 } }
          ],
          "schedule": {
            "rho": { "initial": 0.01, "multiplier": 1.5, "max": 0.5 },
            "admmPrune": { "epochs": 2, "rho": { "multiplier": 1.2 } },
            "admmQuantize": { "epochs": 3, "rho": { "initial": 0.05, "max": 2 } }
          }
        }
        """;

    [Fact]
    public void An_admm_phase_takes_its_own_rho_with_the_schedules_fields_under_it()
    {
        var s = PolicyLoader.Parse(PhaseRho).Schedule;
        Assert.Equal(new RhoSchedule { Initial = 0.01, Multiplier = 1.2, Max = 0.5 }, s.AdmmPrune.Rho);
        Assert.Equal(new RhoSchedule { Initial = 0.05, Multiplier = 1.5, Max = 2 }, s.AdmmQuantize.Rho);
        Assert.Equal(new RhoSchedule { Initial = 0.01, Multiplier = 1.5, Max = 0.5 }, s.Rho);
        Assert.Null(s.Retrain.Rho);
        Assert.Null(PolicyLoader.Parse(Training).Schedule.AdmmQuantize.Rho);
    }

    [Theory]
    [InlineData("\"admmQuantize\": { \"epochs\": 3,", "\"retrain\": { \"epochs\": 3,",
        "policy.json:8: schedule.retrain.rho applies to the ADMM phases (admmPrune, admmQuantize) only")]
    [InlineData("\"max\": 2", "\"max\": 0.01", "policy.json:8: schedule.admmQuantize.rho.max must be >= initial (0.05), got 0.01")]
    [InlineData("\"multiplier\": 1.2", "\"multiplier\": 0.9", "policy.json:7: schedule.admmPrune.rho.multiplier must be >= 1, got 0.9")]
    [InlineData("\"multiplier\": 1.2", "\"multiplyer\": 1.2", "policy.json:7: schedule.admmPrune.rho.multiplyer is not a known field")]
    public void Phase_rho_errors_name_the_field(string find, string replace, string expected) => AssertError(PhaseRho, find, replace, expected);

    [Fact]
    public void Cosine_decay_runs_from_the_rate_to_the_final_rate()
    {
        var phase = new PhaseSchedule { LearningRate = 1e-3, Decay = "cosine", FinalLearningRate = 1e-5 }.ScheduleFor(101);
        Assert.Equal(1e-3, phase.RateAt(0), 15);
        Assert.Equal((1e-3 + 1e-5) / 2, phase.RateAt(50), 15);
        Assert.Equal(1e-5, phase.RateAt(100), 15);
        Assert.Equal(1e-3, new PhaseSchedule { LearningRate = 1e-3 }.ScheduleFor(101).RateAt(100));
    }

    [Theory]
    [InlineData("\"weight\": 0.7", "\"weight\": 1.7", "policy.json:6: schedule.distillation.weight must be in [0,1], got 1.7")]
    [InlineData("\"temperature\": 4", "\"temperature\": 0", "policy.json:6: schedule.distillation.temperature must be in (0,100], got 0")]
    [InlineData("\"cosine\"", "\"linear\"", "policy.json:7: schedule.retrain.decay must be one of constant, cosine, got 'linear'")]
    [InlineData("\"finalLearningRate\": 0.00001", "\"finalLearningRate\": 0.1", "policy.json:7: schedule.retrain.finalLearningRate must be <= learningRate (0.001), got 0.1")]
    [InlineData("\"decay\": \"cosine\", ", "", "policy.json:7: schedule.retrain.finalLearningRate only applies with \"decay\": \"cosine\"")]
    [InlineData("\"bias\": { \"bits\": 8 }", "\"bias\": { \"levels\": \"ternary\" }", "policy.json:3: layers[0].bias.levels biases take uniform levels only, got 'ternary'")]
    [InlineData("\"bias\": { \"bits\": 8 }", "\"bias\": { \"bits\": 40 }", "policy.json:3: layers[0].bias.bits must be in")]
    public void Training_fields_are_validated(string find, string replace, string expected) => AssertError(Training, find, replace, expected);

    [Fact]
    public void Rules_need_a_constraint_and_a_match()
    {
        Assert.StartsWith("policy.json:1: layers[0] needs at least one of prune, quantize, constraint",
            Assert.Throws<PolicyException>(() => PolicyLoader.Parse("""{"layers":[{"match":"a"}]}""")).Message);
        Assert.StartsWith("policy.json:1: layers[0].match is required",
            Assert.Throws<PolicyException>(() => PolicyLoader.Parse("""{"layers":[{"prune":{"keep":0.1}}]}""")).Message);
        Assert.StartsWith("policy.json:1: layers is required",
            Assert.Throws<PolicyException>(() => PolicyLoader.Parse("{}")).Message);
    }

    [Theory]
    [InlineData("conv*.weight", "conv1.weight", true)]
    [InlineData("conv*.weight", "conv1.bias", false)]
    [InlineData("*", "", true)]
    [InlineData("fc?.weight", "fc1.weight", true)]
    [InlineData("fc?.weight", "fc10.weight", false)]
    [InlineData("*.weight", "a.b.weight", true)]
    public void Glob_matches_whole_names(string pattern, string name, bool expected) => Assert.Equal(expected, Glob.IsMatch(pattern, name));

    [Fact]
    public void Every_sample_policy_loads()
    {
        var dir = Path.Combine(FindRepoRoot(), "samples", "policies");
        var files = Directory.GetFiles(dir, "*.json");
        Assert.Contains(files, f => f.EndsWith("default.json", StringComparison.Ordinal));
        foreach (var f in files)
        {
            var p = PolicyLoader.Load(f);
            Assert.NotEmpty(p.Layers);
        }
    }

    internal static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AdmmNn.sln"))) dir = dir.Parent;
        return dir?.FullName ?? "/work/main";
    }
}
