using System.Text.RegularExpressions;
using AdmmNn.Plugins.Onnx;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Commands;

/// <summary><c>admmnn pack</c> and <c>admmnn run</c> (runtime helper's verbs).</summary>
public sealed class PackRunCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("admmnn-cli-pack");

    public void Dispose() => _temp.Dispose();

    private static string LeNet => SampleModels.PyTorchLeNet;

    private string CompressedLeNet() => SampleModels.WriteCompressedLeNet(_temp);

    [Fact]
    public void Pack_prints_every_tensor_and_a_size_breakdown_that_matches_the_file()
    {
        var output = _temp.Combine("model.admmnn");
        var run = CliRun.Of("pack", CompressedLeNet(), "--out", output);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Matches(@"conv2\.weight\s+\[50,20,5,5\]\s+sparse\+quantized", run.Out);
        Assert.Matches(@"fc1\.bias\s+\[500\]\s+dense", run.Out);
        long payload = long.Parse(Regex.Match(run.Out, @"payload\s+([\d,]+) bytes").Groups[1].Value.Replace(",", ""));
        long header = long.Parse(Regex.Match(run.Out, @"header\+graph\s+([\d,]+) bytes").Groups[1].Value.Replace(",", ""));
        long perTensor = Regex.Matches(run.Out, @"^(?:conv|fc)\S+.*?\s([\d,]+)$", RegexOptions.Multiline).Sum(m => long.Parse(m.Groups[1].Value.Replace(",", "")));
        Assert.Equal(perTensor, payload);
        Assert.Equal(new FileInfo(output).Length, payload + header);
        Assert.Contains("runtime       4 weight layers", run.Out);
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.tmp"));
    }

    [Fact]
    public void Run_reports_accuracy_latency_and_throughput()
    {
        var packed = _temp.Combine("model.admmnn");
        Assert.Equal(0, CliRun.Of("pack", CompressedLeNet(), "--out", packed).ExitCode);

        var run = CliRun.Of("run", packed, "--data", "fashion-mnist", "--limit", "300", "--batch-size", "64", "--profile");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"Conv\s+25,000\s+2,500\s+sparse\n", run.Out);
        Assert.Matches(@"accuracy\s+\d+\.\d\d % \(\d+/300\)", run.Out);
        Assert.Matches(@"latency\s+batch 1: median \d+\.\d us", run.Out);
        Assert.Matches(@"throughput\s+[\d,]+ images/s \(batch 64", run.Out);
        Assert.Matches(@"Gemm\s+\d+\.\d{3}\n", run.Out);
    }

    [Fact]
    public void Dense_and_sparse_kernels_give_the_same_accuracy()
    {
        var packed = _temp.Combine("model.admmnn");
        Assert.Equal(0, CliRun.Of("pack", CompressedLeNet(), "--out", packed).ExitCode);
        string Accuracy(string kernels) =>
            Regex.Match(CliRun.Of("run", packed, "--limit", "200", "--kernels", kernels).Out, @"accuracy\s+(.*)\n").Groups[1].Value;
        Assert.NotEmpty(Accuracy("dense"));
        Assert.Equal(Accuracy("dense"), Accuracy("sparse"));
    }

    [Fact]
    public void Corrupt_packed_file_is_one_line_and_exit_code_2()
    {
        var packed = _temp.Combine("model.admmnn");
        Assert.Equal(0, CliRun.Of("pack", LeNet, "--out", packed).ExitCode);
        var bytes = File.ReadAllBytes(packed);
        bytes[bytes.Length / 3] ^= 0x40;
        File.WriteAllBytes(packed, bytes);

        var run = CliRun.Of("run", packed, "--limit", "10");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {packed}: invalid packed model at byte ", run.Error);
        Assert.Equal(1, run.Error.Count(c => c == '\n'));
    }
}
