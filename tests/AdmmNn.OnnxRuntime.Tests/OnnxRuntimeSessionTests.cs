using AdmmNn.Abstractions.Models;
using AdmmNn.Plugins.Onnx;
using AdmmNn.Plugins.Onnx.Tests;

namespace AdmmNn.OnnxRuntime.Tests;

public sealed class OnnxRuntimeSessionTests
{
    [Fact]
    public void Runs_on_the_microsoft_ml_onnxruntime_package()
    {
        // The version of the native library loaded is the package's (Directory.Packages.props), not a leftover cached copy.
        Assert.Equal("1.32.0", OnnxRuntimeSession.RuntimeVersion);
        var managed = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName();
        Assert.Equal(new Version(1, 32, 0, 0), managed.Version);
    }

    [Fact]
    public void Runs_an_exported_graph_and_matches_a_hand_computation()
    {
        var graph = ModelGraphs.TinyConvNet(seed: 3);
        using var session = OnnxRuntimeSession.FromBytes(new OnnxFormat().ToBytes(graph));
        Assert.Equal(["input"], session.InputNames);
        Assert.Equal(["logits"], session.OutputNames);

        var random = new Random(7);
        var input = Enumerable.Range(0, 2 * 16).Select(_ => (float)random.NextDouble()).ToArray();
        var output = session.Run(input, [2, 1, 4, 4], out var shape);

        Assert.Equal([2L, 3], shape);
        var expected = TinyConvNetByHand(graph, input, batch: 2);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], output[i], 1e-5f);
    }

    [Fact]
    public void Pytorch_lenet_fixture_matches_pytorch_outputs()
    {
        using var session = OnnxRuntimeSession.FromFile(TestFiles.LeNetFixture);
        var input = OnnxTensorFile.Read(Path.Combine(TestFiles.LeNetFixtureData, "input_0.pb"));
        var expected = OnnxTensorFile.Read(Path.Combine(TestFiles.LeNetFixtureData, "output_0.pb"));
        var output = session.Run(input.Floats!, input.Dims, out var shape);
        Assert.Equal(expected.Dims, shape);
        for (int i = 0; i < output.Length; i++) Assert.Equal(expected.Floats![i], output[i], 1e-4f);
    }

    [Fact]
    public void Corrupt_models_raise_onnx_runtimes_own_message()
    {
        var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxRuntimeSession.FromBytes("not a model"u8));
        Assert.StartsWith("model bytes: ", ex.Message);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(ex.InnerException);
        Assert.Contains(ex.InnerException!.Message.ReplaceLineEndings(" ").Trim(), ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Missing_model_files_raise_onnx_runtimes_message_naming_the_file()
    {
        var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxRuntimeSession.FromFile("/nonexistent/model.onnx"));
        Assert.StartsWith("/nonexistent/model.onnx: ", ex.Message);
    }

    [Fact]
    public void Wrong_input_names_and_shapes_are_reported_not_crashed()
    {
        using var session = OnnxRuntimeSession.FromBytes(new OnnxFormat().ToBytes(ModelGraphs.TinyConvNet()));
        var wrongName = new Dictionary<string, TensorData> { ["nope"] = TensorData.FromFloats("nope", [1, 1, 4, 4], new float[16]) };
        Assert.Contains("nope", Assert.Throws<OnnxRuntimeException>(() => session.Run(wrongName)).Message);
        Assert.StartsWith("model bytes: ", Assert.Throws<OnnxRuntimeException>(() => session.Run(wrongName)).Message);
        var wrongShape = new Dictionary<string, TensorData> { ["input"] = TensorData.FromFloats("input", [1, 2, 4, 4], new float[32]) };
        Assert.Throws<OnnxRuntimeException>(() => session.Run(wrongShape));
        var badCount = new Dictionary<string, TensorData> { ["input"] = TensorData.FromFloats("input", [1, 1, 4, 4], new float[3]) };
        Assert.Throws<OnnxRuntimeException>(() => session.Run(badCount));
    }

    [Fact]
    public void A_disposed_session_refuses_to_run()
    {
        var session = OnnxRuntimeSession.FromBytes(new OnnxFormat().ToBytes(ModelGraphs.TinyConvNet()));
        session.Dispose();
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(new float[16], [1, 1, 4, 4], out _));
    }

    [Fact]
    public void Integer_inputs_and_outputs_round_trip()
    {
        // y = Reshape(x, shape) with an int64 shape input: exercises int64 tensors both ways.
        var graph = new ModelGraph { OpsetVersion = 13 };
        graph.Inputs.Add(new ValueInfo("x", ElementType.Int64, [2, 3]));
        graph.Inputs.Add(new ValueInfo("shape", ElementType.Int64, [2]));
        graph.Outputs.Add(new ValueInfo("y", ElementType.Int64, [3, 2]));
        graph.Nodes.Add(new GraphNode { Name = "r", OpType = "Reshape", Inputs = ["x", "shape"], Outputs = ["y"] });
        using var session = OnnxRuntimeSession.FromBytes(new OnnxFormat().ToBytes(graph));
        var result = session.Run(new Dictionary<string, TensorData>
        {
            ["x"] = TensorData.FromInt64s("x", [2, 3], [1, -2, 3, long.MaxValue, 5, 6]),
            ["shape"] = TensorData.FromInt64s("shape", [2], [3, 2]),
        });
        Assert.Equal([3L, 2], result["y"].Dims);
        Assert.Equal([1L, -2, 3, long.MaxValue, 5, 6], result["y"].Int64s!);
    }

    private static float[] TinyConvNetByHand(ModelGraph graph, float[] input, int batch)
    {
        var w = graph.Initializer("conv.weight")!.Floats!;
        var b = graph.Initializer("conv.bias")!.Floats!;
        var fw = graph.Initializer("fc.weight")!.Floats!;
        var fb = graph.Initializer("fc.bias")!.Floats!;
        var result = new float[batch * 3];
        for (int n = 0; n < batch; n++)
        {
            var flat = new float[8];
            for (int c = 0; c < 2; c++)
                for (int y = 0; y < 2; y++)
                    for (int x = 0; x < 2; x++)
                    {
                        double sum = b[c];
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++)
                                sum += w[c * 9 + ky * 3 + kx] * input[n * 16 + (y + ky) * 4 + x + kx];
                        flat[c * 4 + y * 2 + x] = (float)Math.Max(0, sum);
                    }
            for (int o = 0; o < 3; o++)
            {
                double sum = fb[o];
                for (int k = 0; k < 8; k++) sum += fw[o * 8 + k] * flat[k];
                result[n * 3 + o] = (float)sum;
            }
        }
        return result;
    }
}
