using AdmmNn.Fuzzing.Mutation;
using AdmmNn.Fuzzing.Targets;
using AdmmNn.TestUtilities;
using Xunit.Abstractions;

namespace AdmmNn.Fuzzing.Tests;

/// <summary>
/// A short seeded run of each reader inside the test suite (seconds; build/fuzz.sh runs the long one), the committed
/// corpus, and every input a long run saved under Regressions/, replayed.
/// </summary>
public sealed class FuzzCampaignTests(ITestOutputHelper output)
{
    private static string Here(params string[] parts) => Path.Combine([AppContext.BaseDirectory, .. parts]);

    private static FuzzSeed[] PackedSeeds => [new("lenet5-80x.admmnn", File.ReadAllBytes(Here("Corpus", "lenet5-80x.admmnn")))];

    private static FuzzSeed[] OnnxSeeds =>
    [
        new("lenet5-fashion.onnx", File.ReadAllBytes(RepoPaths.Combine("samples", "models", "lenet5-fashion.onnx"))),
        new("tiny-cnn-pytorch.onnx", File.ReadAllBytes(Here("Corpus", "tiny-cnn-pytorch.onnx")), Weight: 2),
    ];

    [Fact]
    public void Short_packed_run_finds_only_documented_rejections() =>
        ShortRun(new PackedTarget(), PackedSeeds, b => new PackedMutator(b), inputs: 400, maxMegabytes: 256, minEach: 10);

    [Fact]
    public void Short_onnx_run_finds_only_documented_rejections() =>
        ShortRun(new OnnxTarget(), OnnxSeeds, b => new OnnxMutator(b), inputs: 120, maxMegabytes: 512, minEach: 10);

    // The CPU bound is loose here (tests share the machine); build/fuzz.sh applies the 2 s bound.
    private void ShortRun(IFuzzTarget target, FuzzSeed[] seeds, Func<byte[], IMutator> mutator, int inputs, long maxMegabytes, int minEach)
    {
        var report = new FuzzCampaign(target, seeds, mutator, seed: 2026) { MaxAllocatedBytes = maxMegabytes << 20, MaxMilliseconds = 30_000 }.Run(0, inputs);
        output.WriteLine(report.ToString());
        Assert.Empty(report.Failures.Select(f => $"{f.Index} ({f.Mutation}): {f.Problem}"));
        Assert.True(report.Rejected > minEach && report.Loaded > minEach, report.ToString());
    }

    [Fact]
    public void The_same_seed_gives_the_same_inputs()
    {
        var a = new FuzzCampaign(new PackedTarget(), PackedSeeds, b => new PackedMutator(b), seed: 7);
        var b = new FuzzCampaign(new PackedTarget(), PackedSeeds, b => new PackedMutator(b), seed: 7);
        for (int i = 0; i < 50; i++) Assert.Equal(a.Input(i).Bytes, b.Input(i).Bytes);
        Assert.NotEqual(a.Input(1).Bytes, a.Input(2).Bytes);
    }

    public static TheoryData<string> CorpusFiles() => [.. Directory.GetFiles(Here("Corpus")).Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void The_corpus_seeds_load_and_run(string file)
    {
        // A seed that does not load and run would let both the mutation run and afl++ exercise only the rejection paths.
        IFuzzTarget target = file.EndsWith(".onnx", StringComparison.Ordinal) ? new OnnxTarget() : new PackedTarget();
        var outcome = target.Run(File.ReadAllBytes(Here("Corpus", file)));
        Assert.True(outcome is { Verdict: FuzzVerdict.Ran, Exception: null }, outcome.Describe());
    }

    [Fact]
    public void The_lenet5_seed_loads_and_runs()
    {
        var outcome = new OnnxTarget().Run(OnnxSeeds[0].Bytes);
        Assert.True(outcome is { Verdict: FuzzVerdict.Ran, Exception: null }, outcome.Describe());
    }

    public static TheoryData<string> SavedInputs()
    {
        var data = new TheoryData<string>();
        foreach (var reader in new[] { "packed", "onnx" })
        {
            var dir = Here("Regressions", reader);
            if (!Directory.Exists(dir)) continue;
            foreach (var f in Directory.GetFiles(dir).Where(f => f.EndsWith(".admmnn", StringComparison.Ordinal) || f.EndsWith(".onnx", StringComparison.Ordinal)).Order())
                data.Add(Path.GetRelativePath(Here("Regressions"), f));
        }
        if (data.Count == 0) data.Add("");
        return data;
    }

    [Theory]
    [MemberData(nameof(SavedInputs))]
    public void Saved_failing_inputs_are_now_clean(string file)
    {
        if (file.Length == 0) return; // no saved inputs yet
        IFuzzTarget target = file.EndsWith(".onnx", StringComparison.Ordinal) ? new OnnxTarget() : new PackedTarget();
        var outcome = target.Run(File.ReadAllBytes(Here("Regressions", file)));
        Assert.True(outcome.Verdict != FuzzVerdict.Defect, outcome.Describe());
    }
}
