using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Models;

namespace AdmmNn.Plugins.Onnx.Tests.Compact;

/// <summary>
/// A model-zoo LeNet-5 pruned by magnitude and uniformly quantized here (values exactly scale * q), standing in for a
/// compressor output: conv1 8-bit dense, conv2 4-bit at 50 %, fc1 3-bit at 3 %, fc2 pruned to 20 % but not quantized.
/// </summary>
internal static class CompressedLeNet
{
    internal static ModelGraph Create(int seed = 5)
    {
        var graph = ModelZoo.Create("lenet5", seed);
        Compress(graph, "conv1.weight", keep: 1.0, bits: 8);
        Compress(graph, "conv2.weight", keep: 0.5, bits: 4);
        Compress(graph, "fc1.weight", keep: 0.03, bits: 3);
        Compress(graph, "fc2.weight", keep: 0.2, bits: null);
        return graph;
    }

    /// <summary>Keeps the largest-magnitude fraction <paramref name="keep"/>, then rounds onto 2^(bits-1)-1 levels a side.</summary>
    internal static void Compress(ModelGraph graph, string name, double keep, int? bits)
    {
        var w = graph.Initializer(name)!.Floats!;
        var sorted = w.Select(MathF.Abs).OrderByDescending(v => v).ToArray();
        int kept = Math.Max(1, (int)Math.Round(keep * w.Length));
        float threshold = sorted[kept - 1];
        for (int i = 0; i < w.Length; i++) if (MathF.Abs(w[i]) < threshold) w[i] = 0f;
        if (bits is not int b) return;
        int qMax = (1 << (b - 1)) - 1;
        float scale = sorted[0] / qMax;
        for (int i = 0; i < w.Length; i++) w[i] = scale * (float)(long)MathF.Round(w[i] / scale);
    }
}
