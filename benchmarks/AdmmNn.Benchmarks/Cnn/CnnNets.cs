using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Models;

namespace AdmmNn.Benchmarks.Cnn;

/// <summary>
/// The three CNNs of <c>benchmarks -- cnn</c>, as engine graphs. benchmarks/pytorch_cnn.py builds the same networks
/// (same layers, shapes, BatchNorm placement, 10 classes) in PyTorch; keep the two in step.
/// </summary>
public static class CnnNets
{
    /// <summary>Benchmark names, in print order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["resnet-small", "mobilenet-28", "resnet18-32"];

    /// <summary>Input shape [channels, height, width] of network <paramref name="name"/>.</summary>
    public static int[] InputShape(string name) => name == "resnet18-32" ? [3, 32, 32] : [1, 28, 28];

    /// <summary>The graph of network <paramref name="name"/>, weights from <paramref name="seed"/>.</summary>
    public static ModelGraph Create(string name, int seed) => name switch
    {
        "resnet-small" => ModelZoo.Create("resnet-small", seed),
        "mobilenet-28" => MobileNet28(seed),
        "resnet18-32" => ResNet18(seed),
        _ => throw new ArgumentException($"unknown network '{name}'; known: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// MobileNetV2-style inverted residuals at 28×28 (ReLU instead of ReLU6): stem 3×3 1→16, blocks (expand 1×1 ×4,
    /// depthwise 3×3, project 1×1, residual when shapes match) 16→24 /2, 24→24, 24→32 /2, 32→32, head 1×1 32→128,
    /// global average pool, fc 128→10.
    /// </summary>
    private static ModelGraph MobileNet28(int seed)
    {
        var b = new GraphBuilder("mobilenet-28", seed, "input", [-1, 1, 28, 28]);
        string x = ConvBn(b, "stem", "input", 1, 16, 3, 1, 1, 1, relu: true);
        x = Inverted(b, "block1", x, 16, 24, 2);
        x = Inverted(b, "block2", x, 24, 24, 1);
        x = Inverted(b, "block3", x, 24, 32, 2);
        x = Inverted(b, "block4", x, 32, 32, 1);
        x = ConvBn(b, "head", x, 32, 128, 1, 1, 0, 1, relu: true);
        x = b.Node("GlobalAveragePool", "pool", [x]);
        x = b.Node("Flatten", "flatten", [x], NodeAttribute.Of("axis", 1L));
        x = b.Linear("fc", x, 128, 10);
        return b.Build(x, "logits", [-1, 10]);
    }

    private static string Inverted(GraphBuilder b, string name, string x, int cin, int cout, int stride)
    {
        int hidden = cin * 4;
        string y = ConvBn(b, $"{name}.expand", x, cin, hidden, 1, 1, 0, 1, relu: true);
        y = ConvBn(b, $"{name}.dw", y, hidden, hidden, 3, stride, 1, hidden, relu: true);
        y = ConvBn(b, $"{name}.project", y, hidden, cout, 1, 1, 0, 1, relu: false);
        return stride == 1 && cin == cout ? b.Node("Add", $"{name}.add", [y, x]) : y;
    }

    /// <summary>torchvision resnet18 (num_classes 10) for 3×32×32 inputs: 7×7/2 stem, 3×3/2 max-pool, 4 stages of 2 basic blocks.</summary>
    private static ModelGraph ResNet18(int seed)
    {
        var b = new GraphBuilder("resnet18-32", seed, "input", [-1, 3, 32, 32]);
        string x = ConvBn(b, "conv1", "input", 3, 64, 7, 2, 3, 1, relu: true);
        x = b.Node("MaxPool", "maxpool", [x], NodeAttribute.Of("kernel_shape", 3L, 3), NodeAttribute.Of("strides", 2L, 2), NodeAttribute.Of("pads", 1L, 1, 1, 1));
        int cin = 64;
        int[] widths = [64, 128, 256, 512];
        for (int stage = 0; stage < 4; stage++)
        {
            for (int block = 0; block < 2; block++)
            {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                x = Basic(b, $"layer{stage + 1}.{block}", x, cin, widths[stage], stride);
                cin = widths[stage];
            }
        }

        x = b.Node("GlobalAveragePool", "avgpool", [x]);
        x = b.Node("Flatten", "flatten", [x], NodeAttribute.Of("axis", 1L));
        x = b.Linear("fc", x, 512, 10);
        return b.Build(x, "logits", [-1, 10]);
    }

    private static string Basic(GraphBuilder b, string name, string x, int cin, int cout, int stride)
    {
        string y = ConvBn(b, $"{name}.conv1", x, cin, cout, 3, stride, 1, 1, relu: true);
        y = ConvBn(b, $"{name}.conv2", y, cout, cout, 3, 1, 1, 1, relu: false);
        string shortcut = stride != 1 || cin != cout ? ConvBn(b, $"{name}.downsample", x, cin, cout, 1, stride, 0, 1, relu: false) : x;
        y = b.Node("Add", $"{name}.add", [y, shortcut]);
        return b.Node("Relu", $"{name}.relu", [y]);
    }

    private static string ConvBn(GraphBuilder b, string name, string x, int cin, int cout, int k, int stride, int pad, int group, bool relu)
    {
        string y = b.Conv($"{name}.conv", x, cin, cout, k, stride, pad, bias: false, group: group);
        y = b.BatchNorm($"{name}.bn", y, cout);
        return relu ? b.Node("Relu", $"{name}.relu", [y]) : y;
    }
}
