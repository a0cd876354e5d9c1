using System.Text.RegularExpressions;
using AdmmNn.Abstractions.Models;
using AdmmNn.Plugins.Onnx;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Commands;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("admmnn-cli-evaluate");

    public void Dispose() => _temp.Dispose();

    private static string LeNet => RepoPaths.Combine("samples", "models", "lenet5_pytorch.onnx");

    [Fact]
    public void Engine_and_onnx_runtime_report_the_same_accuracy()
    {
        var engine = CliRun.Of("evaluate", LeNet, "--data", "fashion-mnist", "--limit", "300", "--batch-size", "100");
        var ort = CliRun.Of("evaluate", LeNet, "--data", "fashion-mnist", "--limit", "300", "--runtime", "ort");

        Assert.Equal(0, engine.ExitCode);
        Assert.Equal(0, ort.ExitCode);
        Assert.Contains("runtime     engine (AdmmNn)\n", engine.Out);
        Assert.Contains("runtime     onnxruntime 1.32.0\n", ort.Out); // the Microsoft.ML.OnnxRuntime package
        Assert.Contains("data        fashion-mnist (test): 300 images, 10 outputs\n", engine.Out);
        var accuracy = Regex.Match(engine.Out, @"accuracy    (.*)\n").Groups[1].Value;
        Assert.NotEmpty(accuracy);
        Assert.Contains($"accuracy    {accuracy}\n", ort.Out);
        Assert.Matches(@"throughput  [\d,]+ images/s \(\d+\.\d\d s, batch 100\)", engine.Out);
    }

    [Fact]
    public void Unknown_runtime_is_a_usage_error()
    {
        var run = CliRun.Of("evaluate", LeNet, "--runtime", "tensorflow");
        Assert.NotEqual(0, run.ExitCode);
    }

    public static TheoryData<string> BadFiles => ["empty", "truncated", "bit-flipped", "text"];

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_model_files_give_one_line_and_exit_code_2(string kind)
    {
        var path = WriteBadFile(kind);
        foreach (var verb in new[] { "evaluate", "inspect" })
        {
            var run = CliRun.Of(verb, path);
            Assert.Equal(2, run.ExitCode);
            Assert.Equal("", run.Out);
            Assert.StartsWith($"error: {path}: ", run.Error);
            Assert.Equal(1, run.Error.Count(c => c == '\n'));
        }
        var verbose = CliRun.Of("evaluate", path, "--verbose");
        Assert.Equal(2, verbose.ExitCode);
        Assert.Contains("   at ", verbose.Error);
    }

    [Fact]
    public void An_unsupported_op_gives_one_line_naming_node_op_and_opset()
    {
        var graph = new ModelGraph { OpsetVersion = 13 };
        graph.Inputs.Add(new ValueInfo("input", ElementType.Float32, [-1, 1, 28, 28]));
        graph.Outputs.Add(new ValueInfo("logits", ElementType.Float32, [-1, 784]));
        graph.Nodes.Add(new GraphNode { Name = "flat", OpType = "Flatten", Inputs = ["input"], Outputs = ["f"] });
        graph.Nodes.Add(new GraphNode { Name = "mystery", OpType = "Softplus", Inputs = ["f"], Outputs = ["logits"] });
        var path = Path.Combine(_temp.Path, "softplus.onnx");
        File.WriteAllBytes(path, new OnnxFormat().ToBytes(graph));

        var run = CliRun.Of("evaluate", path, "--limit", "10");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(1, run.Error.Count(c => c == '\n'));
        Assert.Contains("'mystery'", run.Error);
        Assert.Contains("Softplus", run.Error);
        Assert.Contains("opset 13", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    private string WriteBadFile(string kind)
    {
        var bytes = File.ReadAllBytes(LeNet);
        var path = Path.Combine(_temp.Path, kind + ".onnx");
        switch (kind)
        {
            case "empty": bytes = []; break;
            case "truncated": bytes = bytes[..(bytes.Length / 2)]; break;
            case "bit-flipped":
                // The first byte of the graph field's tag (field 7, length-delimited = 0x3A): flipping its low bit makes
                // it a start-group tag, which ModelProto cannot contain.
                bytes[Array.IndexOf(bytes, (byte)0x3A)] ^= 0x01;
                break;
            case "text": bytes = "this is not a model\n"u8.ToArray(); break;
        }
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
