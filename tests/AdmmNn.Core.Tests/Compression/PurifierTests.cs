using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Compression.Purification;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Core.Tests.Compression;

public sealed class PurifierTests
{
    private static readonly int[] Sample = [1, 28, 28];

    [Fact]
    public void Chain_zero_filters_and_unused_channels_leave_and_outputs_stay_equal()
    {
        // conv1 3x3 (bias) -> bn1 -> relu -> conv2 1x1 (unpadded, no bias) -> bn2 -> relu -> pool -> fc
        var b = new SmallGraphBuilder("chain", 3, [-1, 1, 28, 28]);
        var x = b.Conv("conv1", "input", 1, 8, 3, pad: 1);
        x = b.BatchNorm("bn1", x, 8);
        x = b.Node("Relu", "relu1", [x]);
        x = b.Conv("conv2", x, 8, 6, 1, bias: false);
        x = b.BatchNorm("bn2", x, 6);
        x = b.Node("Relu", "relu2", [x]);
        x = b.Node("GlobalAveragePool", "pool", [x]);
        x = b.Node("Flatten", "flatten", [x], NodeAttribute.Of("axis", 1L));
        x = b.Linear("fc", x, 6, 10);
        var graph = b.Build(x, "logits", [-1, 10]);
        RandomizeBatchNorms(graph, 11);
        ZeroFilter(graph, "conv1.weight", 1);   // constant channel (bias through BN, ReLU), folded into conv2's bias
        SetShift(graph, "bn1", 1, 1.5f);
        ZeroFilter(graph, "conv1.weight", 5);
        SetShift(graph, "bn1", 5, -10f);        // a negative shift: ReLU clips the constant to 0
        ZeroFilter(graph, "conv2.weight", 2);   // constant after bn2/relu2, folded into fc's bias
        SetShift(graph, "bn2", 2, 1.5f);
        ZeroInputChannel(graph, "conv2.weight", 3);  // unused path: conv1's filter 3 feeds nothing

        var (purified, report) = Purifier.Purify(graph, Sample);

        Assert.Equal([5, 1, 3, 3], Dims(purified, "conv1.weight"));
        Assert.Equal([5, 5, 1, 1], Dims(purified, "conv2.weight"));
        Assert.Equal([5], Dims(purified, "bn1.weight"));
        Assert.Equal([5], Dims(purified, "bn2.bias"));
        Assert.Equal(4, report.FiltersRemoved);
        Assert.Equal(4, report.ChannelsRemoved);
        Assert.Equal(3, report.EmptyFilters);
        Assert.Equal(0, report.EmptyFiltersKept);
        Assert.True(report.ConstantsFolded >= 2, $"folded {report.ConstantsFolded}");
        Assert.True(report.DenseMacsAfter < report.DenseMacsBefore);
        Assert.True(report.ParametersAfter < report.ParametersBefore);
        AssertSameOutputs(graph, purified);
    }

    [Fact]
    public void A_positive_constant_feeding_a_padded_convolution_keeps_its_filter_and_a_zero_one_does_not()
    {
        var b = new SmallGraphBuilder("padded", 4, [-1, 1, 28, 28]);
        var x = b.Conv("conv1", "input", 1, 6, 3, pad: 1, bias: false);
        x = b.BatchNorm("bn1", x, 6);
        x = b.Node("Relu", "relu1", [x]);
        x = b.Conv("conv2", x, 6, 4, 3, pad: 1, bias: false);
        x = b.Node("GlobalAveragePool", "pool", [x]);
        x = b.Node("Flatten", "flatten", [x], NodeAttribute.Of("axis", 1L));
        x = b.Linear("fc", x, 4, 10);
        var graph = b.Build(x, "logits", [-1, 10]);
        RandomizeBatchNorms(graph, 5);
        ZeroFilter(graph, "conv1.weight", 0);
        SetShift(graph, "bn1", 0, 2f);     // BN of a zero filter outputs beta' > 0: the border windows of conv2 would differ
        ZeroFilter(graph, "conv1.weight", 4);
        SetShift(graph, "bn1", 4, -3f);    // relu(beta' < 0) = 0: removable

        var (purified, report) = Purifier.Purify(graph, Sample);

        Assert.Equal(1, report.FiltersRemoved);
        Assert.Equal(2, report.EmptyFilters);
        Assert.Equal(1, report.EmptyFiltersKept);
        Assert.Equal([5, 1, 3, 3], Dims(purified, "conv1.weight"));
        Assert.Equal([4, 5, 3, 3], Dims(purified, "conv2.weight"));
        AssertSameOutputs(graph, purified);
    }

    [Fact]
    public void Residual_channels_leave_only_when_every_branch_of_the_add_is_empty()
    {
        var graph = ModelZoo.Create("resnet-small", 7);
        RandomizeBatchNorms(graph, 9);
        // Channel 3 of the stem/layer1 group: empty on both branches of layer1.add, the constants clipped to 0 by ReLU.
        ZeroFilter(graph, "stem.conv.weight", 3);
        SetShift(graph, "stem.bn", 3, -4f);
        ZeroFilter(graph, "layer1.conv2.weight", 3);
        SetShift(graph, "layer1.bn2", 3, -4f);
        // Channel 7: empty on one branch only (the stem), so it stays.
        ZeroFilter(graph, "stem.conv.weight", 7);
        SetShift(graph, "stem.bn", 7, -4f);
        // Unused path inside a block: nothing reads layer2.conv1's filter 5 (layer2.conv2's input channel 5 is empty).
        ZeroInputChannel(graph, "layer2.conv2.weight", 5);
        // A zero filter in layer3.conv2 whose BN shift is positive: the Add's other branch is live, so it stays.
        ZeroFilter(graph, "layer3.conv2.weight", 0);

        var (purified, report) = Purifier.Purify(graph, Sample);

        Assert.Equal([15, 1, 3, 3], Dims(purified, "stem.conv.weight"));
        Assert.Equal([15], Dims(purified, "stem.bn.weight"));
        Assert.Equal([16, 15, 3, 3], Dims(purified, "layer1.conv1.weight"));
        Assert.Equal([15, 16, 3, 3], Dims(purified, "layer1.conv2.weight"));
        Assert.Equal([15], Dims(purified, "layer1.bn2.running_var"));
        Assert.Equal([31, 15, 3, 3], Dims(purified, "layer2.conv1.weight"));
        Assert.Equal([32, 15, 1, 1], Dims(purified, "layer2.downsample.weight"));
        Assert.Equal([32, 31, 3, 3], Dims(purified, "layer2.conv2.weight"));
        Assert.Equal([31], Dims(purified, "layer2.bn1.weight"));
        Assert.Equal([64, 64, 3, 3], Dims(purified, "layer3.conv2.weight"));
        Assert.Equal(1 + 1 + 1, report.FiltersRemoved);  // stem, layer1.conv2 (channel 3) and layer2.conv1 (filter 5)
        Assert.Equal(3 + 1, report.ChannelsRemoved);     // layer1.conv1, layer2.conv1, layer2.downsample (channel 3); layer2.conv2 (5)
        Assert.Equal(2, report.EmptyFiltersKept);        // stem 7, layer3.conv2 0
        AssertSameOutputs(graph, purified);
    }

    [Fact]
    public void A_graph_without_empty_filters_is_unchanged()
    {
        var graph = ModelZoo.Create("resnet-small", 2);
        var (purified, report) = Purifier.Purify(graph, Sample);
        Assert.Equal(0, report.FiltersRemoved + report.ChannelsRemoved);
        Assert.Equal(report.DenseMacsBefore, report.DenseMacsAfter);
        Assert.All(graph.Initializers, t => Assert.Equal(t.Dims, purified.Initializer(t.Name)!.Dims));
        AssertSameOutputs(graph, purified);
    }

    internal static void ZeroFilter(ModelGraph graph, string weight, int filter)
    {
        var t = graph.Initializer(weight)!;
        var size = t.Floats!.Length / (int)t.Dims[0];
        Array.Clear(t.Floats, filter * size, size);
    }

    internal static void ZeroInputChannel(ModelGraph graph, string weight, int channel)
    {
        var t = graph.Initializer(weight)!;
        int rows = (int)t.Dims[0], cols = (int)t.Dims[1], inner = t.Floats!.Length / (rows * cols);
        for (var o = 0; o < rows; o++) Array.Clear(t.Floats, (o * cols + channel) * inner, inner);
    }

    internal static void SetShift(ModelGraph graph, string bn, int channel, float value) => graph.Initializer(bn + ".bias")!.Floats![channel] = value;

    /// <summary>Trained-looking BatchNorm parameters and statistics, so an empty filter's channel carries a nonzero constant.</summary>
    internal static void RandomizeBatchNorms(ModelGraph graph, int seed)
    {
        var random = new Random(seed);
        foreach (var node in graph.Nodes.Where(n => n.OpType == "BatchNormalization"))
        {
            var (scale, shift, mean, variance) = (graph.Initializer(node.Inputs[1])!.Floats!, graph.Initializer(node.Inputs[2])!.Floats!,
                graph.Initializer(node.Inputs[3])!.Floats!, graph.Initializer(node.Inputs[4])!.Floats!);
            for (var c = 0; c < scale.Length; c++)
            {
                scale[c] = 0.5f + (float)random.NextDouble();
                shift[c] = (float)(random.NextDouble() - 0.3);
                mean[c] = (float)(random.NextDouble() - 0.5) * 0.2f;
                variance[c] = 0.5f + (float)random.NextDouble();
            }
        }
    }

    internal static void AssertSameOutputs(ModelGraph expected, ModelGraph actual)
    {
        var random = new Random(1);
        var input = new float[4 * 28 * 28];
        for (var i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble();
        var a = GraphModule.FromGraph(expected).Forward(new Tensor((float[])input.Clone(), [4, 1, 28, 28])).ToArray();
        var b = GraphModule.FromGraph(actual).Forward(new Tensor((float[])input.Clone(), [4, 1, 28, 28])).ToArray();
        Assert.Equal(a.Length, b.Length);
        var scale = a.Max(v => Math.Abs(v));
        for (var i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f * Math.Max(1, scale), $"output {i}: {a[i]} vs {b[i]}");
    }

    private static long[] Dims(ModelGraph graph, string name) => graph.Initializer(name)?.Dims ?? throw new Xunit.Sdk.XunitException($"no initializer {name}");
}
