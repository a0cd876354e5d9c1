using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Compression.Purification;
using AdmmNn.OnnxRuntime;
using AdmmNn.Runtime.Format;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using Xunit.Abstractions;

namespace AdmmNn.Plugins.Onnx.Tests.Purification;

/// <summary>A purified model is physically smaller in both output formats (fewer channels, not zero-filled) and still runs the same.</summary>
public sealed class PurifiedExportTests(ITestOutputHelper output)
{
    [Fact]
    public void Purified_resnet_small_writes_smaller_onnx_and_packed_files_that_compute_the_same()
    {
        var graph = ModelZoo.Create("resnet-small", 5);
        // Filter pruning of each block's first convolution, as samples/policies/resnet-small-filters.json does: half the filters empty.
        // A zero filter with the zoo's initial BatchNorm (shift 0) carries the constant 0, so all of them can leave.
        foreach (var name in new[] { "layer1.conv1.weight", "layer2.conv1.weight", "layer3.conv1.weight" })
        {
            var w = graph.Initializer(name)!;
            var filters = (int)w.Dims[0];
            var size = w.Floats!.Length / filters;
            for (var o = 0; o < filters; o += 2) Array.Clear(w.Floats, o * size, size);
        }

        var (purified, report) = Purifier.Purify(graph, [1, 28, 28]);

        Assert.Equal(8 + 16 + 32, report.FiltersRemoved);
        Assert.Equal(8 + 16 + 32, report.ChannelsRemoved);
        Assert.Equal([32L, 32, 3, 3], purified.Initializer("layer3.conv1.weight")!.Dims);
        Assert.Equal([64L, 32, 3, 3], purified.Initializer("layer3.conv2.weight")!.Dims);
        var onnx = (Before: new OnnxFormat().ToBytes(graph), After: new OnnxFormat().ToBytes(purified));
        var packed = (Before: Packed(graph), After: Packed(purified));
        output.WriteLine($"ONNX {onnx.Before.Length} -> {onnx.After.Length} bytes; packed {packed.Before} -> {packed.After} bytes; dense MACs {report.DenseMacsBefore} -> {report.DenseMacsAfter}");
        // The removed weights are a third of the conv weights: the dense ONNX file must shrink by at least a quarter.
        Assert.True(onnx.After.Length < 0.75 * onnx.Before.Length, $"ONNX {onnx.Before.Length} -> {onnx.After.Length}");
        Assert.True(packed.After < packed.Before, $"packed {packed.Before} -> {packed.After}");
        Assert.True(report.DenseMacsAfter < 0.75 * report.DenseMacsBefore);

        var images = new float[16 * 28 * 28];
        var random = new Random(3);
        for (var i = 0; i < images.Length; i++) images[i] = (float)random.NextDouble();
        var expected = GraphModule.FromGraph(graph).Forward(new Tensor((float[])images.Clone(), [16, 1, 28, 28])).ToArray();
        using var session = OnnxRuntimeSession.FromBytes(onnx.After);
        var ort = session.Run(images, [16, 1, 28, 28], out _);
        var reloaded = GraphModule.FromGraph(new OnnxFormat().FromBytes(onnx.After)).Forward(new Tensor((float[])images.Clone(), [16, 1, 28, 28])).ToArray();
        Assert.True(Parity.MaxRelativeDifference(ort, expected, 10) < 1e-4);
        Assert.True(Parity.MaxRelativeDifference(reloaded, expected, 10) < 1e-4);
    }

    private static long Packed(ModelGraph graph)
    {
        using var stream = new MemoryStream();
        PackedModelWriter.Write(graph, stream);
        return stream.Length;
    }
}
