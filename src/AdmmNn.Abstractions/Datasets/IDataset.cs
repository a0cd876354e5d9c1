namespace AdmmNn.Abstractions.Datasets;

/// <summary>
/// A labeled image dataset opened from files. It holds headers and file lists, not pixels: samples are read by index
/// on demand (<see cref="IDatasetSplit.Read"/>), so a loader can stream a dataset larger than memory.
/// </summary>
public interface IDataset : IDisposable
{
    /// <summary>The dataset's name (a folder or file name).</summary>
    string Name { get; }

    /// <summary>The format that opened it, e.g. <c>cifar</c>.</summary>
    string Format { get; }

    /// <summary>The splits it has, e.g. train and test; named <see cref="DatasetSplitNames"/>.</summary>
    IReadOnlyList<IDatasetSplit> Splits { get; }

    /// <summary>Number of classes; every label is below it.</summary>
    int ClassCount { get; }

    /// <summary>Class names, index = label.</summary>
    IReadOnlyList<string> ClassNames { get; }
}
