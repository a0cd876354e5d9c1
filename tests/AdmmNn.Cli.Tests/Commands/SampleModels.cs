using AdmmNn.Plugins.Onnx;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Commands;

/// <summary>Model files the verb tests share.</summary>
internal static class SampleModels
{
    /// <summary>The PyTorch-exported LeNet-5 fixture (untrained weights).</summary>
    public static string PyTorchLeNet => RepoPaths.Combine("samples", "models", "lenet5_pytorch.onnx");

    /// <summary>
    /// The PyTorch LeNet-5 with magnitude pruning (about 80x) and 3-bit weights, written as an ONNX file into
    /// <paramref name="directory"/>: a stand-in for a compressor output that takes no training.
    /// </summary>
    public static string WriteCompressedLeNet(TempDirectory directory)
    {
        var onnx = new OnnxFormat();
        var g = onnx.FromBytes(File.ReadAllBytes(PyTorchLeNet));
        foreach (var (name, keep) in new[] { ("conv1.weight", 0.5), ("conv2.weight", 0.1), ("fc1.weight", 0.005), ("fc2.weight", 0.1) })
        {
            var w = g.Initializer(name)!.Floats!;
            int k = (int)Math.Round(w.Length * keep);
            var threshold = w.Select(MathF.Abs).OrderByDescending(v => v).ElementAt(k - 1);
            float scale = w.Max(MathF.Abs) / 3;
            for (int i = 0; i < w.Length; i++) w[i] = MathF.Abs(w[i]) < threshold ? 0f : scale * Math.Clamp(MathF.Round(w[i] / scale), -3, 3);
        }
        var path = directory.Combine("lenet5-80x-3bit.onnx");
        File.WriteAllBytes(path, onnx.ToBytes(g));
        return path;
    }
}
