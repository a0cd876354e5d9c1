using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Tests.Models;

public sealed class ModelZooTests
{
    [Fact]
    public void LeNet5_is_the_caffe_form_with_430500_weights()
    {
        var g = ModelZoo.Create("lenet5", 1);
        Assert.Equal(["Conv", "MaxPool", "Conv", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm"], g.Nodes.Select(n => n.OpType));
        var m = GraphModule.FromGraph(g);
        var weights = m.Parameters.Where(p => p.Role == ParameterRole.Weight).ToDictionary(p => p.Name, p => p.Shape);
        Assert.Equal([20, 1, 5, 5], weights["conv1.weight"]);
        Assert.Equal([50, 20, 5, 5], weights["conv2.weight"]);
        Assert.Equal([500, 800], weights["fc1.weight"]);
        Assert.Equal([10, 500], weights["fc2.weight"]);
        Assert.Equal(430_500, weights.Values.Sum(s => s.Aggregate(1, (a, d) => a * d)));
        Assert.Equal(["conv1.bias", "conv2.bias", "fc1.bias", "fc2.bias"], m.Parameters.Where(p => p.Role == ParameterRole.Bias).Select(p => p.Name));
        Assert.Equal("input", g.Inputs.Single().Name);
        Assert.Equal("logits", g.Outputs.Single().Name);
    }

    [Theory]
    [InlineData("lenet5")]
    [InlineData("lenet-300-100")]
    [InlineData("resnet-small")]
    public void Every_architecture_maps_a_batch_to_ten_logits(string arch)
    {
        var m = GraphModule.FromGraph(ModelZoo.Create(arch, 1));
        var y = m.Forward(new Tensor(Enumerable.Range(0, 3 * 784).Select(i => (i % 255) / 255f).ToArray(), [3, 1, 28, 28]));
        Assert.Equal([3, 10], y.Shape);
        Assert.All(y.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Seed_decides_the_weights()
    {
        float[] W(int seed) => ModelZoo.Create("lenet5", seed).Initializer("conv1.weight")!.Floats!;
        Assert.Equal(W(5), W(5));
        Assert.NotEqual(W(5), W(6));
    }

    [Fact]
    public void Unknown_architecture_lists_the_known_ones()
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelZoo.Create("vgg", 1));
        Assert.Contains("lenet5", ex.Message);
    }
}
