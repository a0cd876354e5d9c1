using AdmmNn.Core.Compression;
using AdmmNn.Tensors.Models;

namespace AdmmNn.Core.Tests.Compression;

public sealed class MacCounterTests
{
    [Fact]
    public void LeNet5_positions_follow_the_feature_map_sizes()
    {
        var p = MacCounter.PositionsPerWeight(ModelZoo.Create("lenet5", 1), [1, 28, 28]);
        Assert.Equal(24 * 24, p["conv1.weight"]);
        Assert.Equal(8 * 8, p["conv2.weight"]);
        Assert.Equal(1, p["fc1.weight"]);
        Assert.Equal(1, p["fc2.weight"]);
    }
}
