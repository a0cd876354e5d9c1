using System.Text.RegularExpressions;
using AdmmNn.Core.Hardware;
using AdmmNn.Plugins.Onnx;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Commands;

/// <summary><c>admmnn analyze</c>: the sparsity structure comes from the compressor's metadata when the model has it.</summary>
public sealed class AnalyzeCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("admmnn-cli-analyze");

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// LeNet-5 with fc1 pruned in aligned 1x16 blocks (every other block kept), then a few weights inside kept blocks
    /// zeroed, as quantization rounding small weights to zero does; written with or without the structure metadata.
    /// </summary>
    private string BlockPrunedLeNet(bool withMetadata)
    {
        var onnx = new OnnxFormat();
        var graph = onnx.FromBytes(File.ReadAllBytes(SampleModels.PyTorchLeNet));
        var fc1 = graph.Initializer("fc1.weight")!;
        var w = fc1.Floats!;
        for (var i = 0; i < w.Length; i++)
        {
            var block = i / 16; // 800 columns = 50 whole blocks per row, so blocks never straddle rows
            if (block % 2 == 1) w[i] = 0f;
            else if (w[i] == 0f) w[i] = 0.01f; // a kept block is full before "quantization"
        }
        for (var i = 0; i < w.Length; i += 16 * 2 * 7 + 3) w[i] = 0f; // inside kept blocks (block index even)
        if (withMetadata) graph.Metadata[StructureMetadata.Key("fc1.weight")] = "block";
        var path = _temp.Combine(withMetadata ? "recorded.onnx" : "bare.onnx");
        File.WriteAllBytes(path, onnx.ToBytes(graph));
        return path;
    }

    private static string Fc1Line(string output) =>
        output.Split('\n').Single(l => l.StartsWith("fc1.weight ", StringComparison.Ordinal));

    [Fact]
    public void A_block_pruned_layer_with_zeros_inside_kept_blocks_is_analyzed_as_block_when_the_model_records_it()
    {
        var recorded = CliRun.Of("analyze", BlockPrunedLeNet(withMetadata: true), "--target", "fpga");
        var bare = CliRun.Of("analyze", BlockPrunedLeNet(withMetadata: false), "--target", "fpga");

        Assert.True(recorded.ExitCode == 0, recorded.Out + recorded.Error);
        Assert.True(bare.ExitCode == 0, bare.Out + bare.Error);
        Assert.Matches(@"^fc1\.weight\s+Gemm\s+\[500x800\]\s+block\s", Fc1Line(recorded.Out));
        Assert.Contains("structure of fc1.weight as recorded by the compressor", recorded.Out, StringComparison.Ordinal);
        // Without the record the zeros inside kept blocks hide the structure: the old misreading.
        Assert.Matches(@"^fc1\.weight\s+Gemm\s+\[500x800\]\s+unstructured\s", Fc1Line(bare.Out));
        Assert.DoesNotContain("as recorded by the compressor", bare.Out, StringComparison.Ordinal);
        // And it matters: at 2x the FPGA's 1x16 blocks pay (break-even about 1.06x), unstructured sparsity does not (3x).
        Assert.NotEqual(CurrentMicroseconds(Fc1Line(recorded.Out)), CurrentMicroseconds(Fc1Line(bare.Out)));
        Assert.EndsWith("sparse pays", Fc1Line(recorded.Out).TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith("below break-even: run dense", Fc1Line(bare.Out).TrimEnd(), StringComparison.Ordinal);
    }

    /// <summary>The "current us" column: layer, op, shape, structure, MACs, nonzeros, ratio, break-even, dense us, current us.</summary>
    private static string CurrentMicroseconds(string line) => Regex.Split(line.Trim(), @"\s+")[9];
}
