using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Models;

/// <summary>
/// Built-in architectures for 1×28×28 inputs and 10 classes, as ONNX-semantics graphs with seeded initial weights.
/// Input "input" [N,1,28,28], output "logits" [N,10].
/// </summary>
public static class ModelZoo
{
    /// <summary>Architecture names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Architectures { get; } = ["lenet5", "lenet-300-100", "resnet-small"];

    /// <summary>Creates architecture <paramref name="arch"/> with weights drawn from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">Unknown architecture (the message lists the known ones).</exception>
    public static ModelGraph Create(string arch, int seed) => arch.ToLowerInvariant() switch
    {
        "lenet5" or "lenet-5" => LeNet5(seed),
        "lenet-300-100" or "lenet300100" => LeNet300100(seed),
        "resnet-small" => ResNetSmall(seed),
        _ => throw new ArgumentException($"Unknown architecture '{arch}'. Known: {string.Join(", ", Architectures)}.", nameof(arch)),
    };

    /// <summary>
    /// LeNet-5 in the Caffe form of the ADMM papers: conv 1→20 5×5, max-pool 2, conv 20→50 5×5, max-pool 2,
    /// fc 800→500, ReLU, fc 500→10 (430,500 weights).
    /// </summary>
    private static ModelGraph LeNet5(int seed)
    {
        var b = new GraphBuilder("lenet5", seed, "input", [-1, 1, 28, 28]);
        string x = b.Conv("conv1", "input", 1, 20, 5);
        x = b.MaxPool("pool1", x, 2);
        x = b.Conv("conv2", x, 20, 50, 5);
        x = b.MaxPool("pool2", x, 2);
        x = b.Node("Flatten", "flatten", [x], NodeAttribute.Of("axis", 1L));
        x = b.Linear("fc1", x, 800, 500);
        x = b.Node("Relu", "relu1", [x]);
        x = b.Linear("fc2", x, 500, 10);
        return b.Build(x, "logits", [-1, 10]);
    }

    /// <summary>LeNet-300-100: fc 784→300, ReLU, fc 300→100, ReLU, fc 100→10 (266,200 weights).</summary>
    private static ModelGraph LeNet300100(int seed)
    {
        var b = new GraphBuilder("lenet-300-100", seed, "input", [-1, 1, 28, 28]);
        string x = b.Node("Flatten", "flatten", ["input"], NodeAttribute.Of("axis", 1L));
        x = b.Linear("fc1", x, 784, 300);
        x = b.Node("Relu", "relu1", [x]);
        x = b.Linear("fc2", x, 300, 100);
        x = b.Node("Relu", "relu2", [x]);
        x = b.Linear("fc3", x, 100, 10);
        return b.Build(x, "logits", [-1, 10]);
    }

    /// <summary>
    /// A small ResNet for 28×28: 3×3 stem (16 channels), three basic blocks (16, 32 /2, 64 /2) with BatchNorm and 1×1
    /// projection shortcuts where the shape changes, global average pool, fc 64→10.
    /// </summary>
    private static ModelGraph ResNetSmall(int seed)
    {
        var b = new GraphBuilder("resnet-small", seed, "input", [-1, 1, 28, 28]);
        string x = b.Conv("stem.conv", "input", 1, 16, 3, pad: 1, bias: false);
        x = b.BatchNorm("stem.bn", x, 16);
        x = b.Node("Relu", "stem.relu", [x]);
        x = Block(b, "layer1", x, 16, 16, 1);
        x = Block(b, "layer2", x, 16, 32, 2);
        x = Block(b, "layer3", x, 32, 64, 2);
        x = b.Node("GlobalAveragePool", "pool", [x]);
        x = b.Node("Flatten", "flatten", [x], NodeAttribute.Of("axis", 1L));
        x = b.Linear("fc", x, 64, 10);
        return b.Build(x, "logits", [-1, 10]);
    }

    private static string Block(GraphBuilder b, string name, string x, int cin, int cout, int stride)
    {
        string y = b.Conv($"{name}.conv1", x, cin, cout, 3, stride, 1, bias: false);
        y = b.BatchNorm($"{name}.bn1", y, cout);
        y = b.Node("Relu", $"{name}.relu1", [y]);
        y = b.Conv($"{name}.conv2", y, cout, cout, 3, 1, 1, bias: false);
        y = b.BatchNorm($"{name}.bn2", y, cout);
        string shortcut = x;
        if (stride != 1 || cin != cout)
        {
            shortcut = b.Conv($"{name}.downsample", x, cin, cout, 1, stride, 0, bias: false);
            shortcut = b.BatchNorm($"{name}.downsample_bn", shortcut, cout);
        }

        y = b.Node("Add", $"{name}.add", [y, shortcut]);
        return b.Node("Relu", $"{name}.relu2", [y]);
    }
}
