using AdmmNn.Data.Datasets;

namespace AdmmNn.TestUtilities;

/// <summary>
/// The real Fashion-MNIST for tests, loaded once per test process through <see cref="DatasetLocator"/>
/// (so ADMMNN_DATA and Debian's dataset-fashion-mnist both work). Missing data fails the test with the
/// locator's message, which says how to install it (build/setup.sh does).
/// </summary>
public static class TestData
{
    private static readonly Lazy<LabeledImageSet> LazyTrain = new(() => DatasetLocator.Load("fashion-mnist", null, train: true));
    private static readonly Lazy<LabeledImageSet> LazyTest = new(() => DatasetLocator.Load("fashion-mnist", null, train: false));

    /// <summary>Fashion-MNIST's 60,000 training images.</summary>
    public static LabeledImageSet FashionMnistTrain => LazyTrain.Value;

    /// <summary>Fashion-MNIST's 10,000 test images.</summary>
    public static LabeledImageSet FashionMnistTest => LazyTest.Value;

    /// <summary>The first <paramref name="count"/> training images, for tests that need real data but not all of it.</summary>
    public static LabeledImageSet FashionMnistTrainSample(int count) => FashionMnistTrain.Take(count);

    /// <summary>The first <paramref name="count"/> test images.</summary>
    public static LabeledImageSet FashionMnistTestSample(int count) => FashionMnistTest.Take(count);
}
