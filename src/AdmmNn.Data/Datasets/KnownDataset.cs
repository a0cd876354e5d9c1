namespace AdmmNn.Data.Datasets;

/// <summary>A data set the locator knows by name: its class names and, where one exists, the Debian package holding it.</summary>
/// <param name="Name">The name users type, e.g. "fashion-mnist".</param>
/// <param name="ClassNames">Class names, index = label.</param>
/// <param name="DebianPackage">The Debian package that installs it under /usr/share/datasets/&lt;name&gt;, or null.</param>
public sealed record KnownDataset(string Name, IReadOnlyList<string> ClassNames, string? DebianPackage)
{
    /// <summary>Fashion-MNIST (Zalando): 10 clothing classes, 60,000 train / 10,000 test images of 28x28.</summary>
    public static KnownDataset FashionMnist { get; } = new("fashion-mnist",
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        "dataset-fashion-mnist");

    /// <summary>MNIST handwritten digits: 10 classes, 60,000 train / 10,000 test images of 28x28.</summary>
    public static KnownDataset Mnist { get; } = new("mnist", ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], null);

    /// <summary>Every known data set.</summary>
    public static IReadOnlyList<KnownDataset> All { get; } = [FashionMnist, Mnist];

    /// <summary>The known data set called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static KnownDataset? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
