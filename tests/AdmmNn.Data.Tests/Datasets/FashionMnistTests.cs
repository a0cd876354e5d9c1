using AdmmNn.TestUtilities;

namespace AdmmNn.Data.Tests.Datasets;

/// <summary>The real Fashion-MNIST, as installed by build/setup.sh (Debian's dataset-fashion-mnist).</summary>
public sealed class FashionMnistTests
{
    [Fact]
    public void Train_split_has_60000_images_of_28x28_with_6000_per_class()
    {
        var train = TestData.FashionMnistTrain;

        Assert.Equal(60_000, train.Count);
        Assert.Equal((1, 28, 28, 10), (train.Channels, train.Height, train.Width, train.ClassCount));
        Assert.All(train.ClassHistogram(), count => Assert.Equal(6_000, count));
        Assert.Equal(60_000 * 784, train.Pixels.Length);
        // First labels and the first image's pixel sum, read independently with Python's gzip module.
        Assert.Equal([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], train.Labels[..10]);
        Assert.Equal(76_247, train.Pixels.AsSpan(0, 784).ToArray().Sum(p => p));
    }

    [Fact]
    public void Test_split_has_10000_images_with_1000_per_class()
    {
        var test = TestData.FashionMnistTest;

        Assert.Equal(10_000, test.Count);
        Assert.Equal((28, 28), (test.Height, test.Width));
        Assert.All(test.ClassHistogram(), count => Assert.Equal(1_000, count));
        Assert.Equal([9, 2, 1, 1, 6, 1, 4, 6, 5, 7], test.Labels[..10]);
        Assert.Equal("fashion-mnist (test)", test.Name);
    }

    [Fact]
    public void Float_images_lie_in_the_unit_interval()
    {
        var floats = TestData.FashionMnistTestSample(100).ToFloatImages();
        Assert.Equal(100 * 784, floats.Length);
        Assert.Equal(0f, floats.Min());
        Assert.Equal(1f, floats.Max());
    }
}
