using System.Text.RegularExpressions;
using AdmmNn.OnnxRuntime;
using AdmmNn.Plugins.Onnx;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Commands;

/// <summary><c>admmnn export --compact</c>: the compact ONNX file for ONNX Runtime users.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("admmnn-cli-export");

    public void Dispose() => _temp.Dispose();

    private static string LeNet => SampleModels.PyTorchLeNet;

    private string CompressedLeNet() => SampleModels.WriteCompressedLeNet(_temp);

    [Fact]
    public void Compact_export_writes_a_smaller_file_that_onnx_runtime_runs_like_the_original()
    {
        var input = CompressedLeNet();
        var output = _temp.Combine("compact.onnx");
        var run = CliRun.Of("export", input, "--out", output, "--compact", "--opset", "21");

        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"\nfc1\.weight\s+400,000\s+2,000\s+\d+\s+sparse-int8 scale ", run.Out);
        Assert.Matches(@"\nconv2\.weight\s+25,000\s+2,500\s+\d+\s+int4 scale ", run.Out);
        var ratio = double.Parse(Regex.Match(run.Out, @"compact ONNX\s+[\d,]+ bytes \(([\d.]+)x smaller\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(ratio > 20, $"only {ratio}x smaller");
        Assert.True(new FileInfo(output).Length * 20 < new FileInfo(input).Length);

        var images = new float[8 * 28 * 28];
        for (int i = 0; i < images.Length; i++) images[i] = (i * 37 % 256) / 255f;
        using var original = OnnxRuntimeSession.FromFile(input);
        using var compact = OnnxRuntimeSession.FromFile(output);
        var expected = original.Run(images, [8, 1, 28, 28], out _);
        var actual = compact.Run(images, [8, 1, 28, 28], out _);
        // Not bit-identical: ONNX Runtime pre-packs constant float weights, but not ones a DequantizeLinear produces, so the
        // summation order differs (about 1e-7 relative); the weights themselves are identical.
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1e-3, Math.Abs(expected[i])) + 1e-6, $"logit {i}: {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public void Opset_without_compact_is_a_user_error()
    {
        var run = CliRun.Of("export", LeNet, "--out", _temp.Combine("x.onnx"), "--opset", "21");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--opset and --no-sparse apply to --compact exports only", run.Error);
    }
}
