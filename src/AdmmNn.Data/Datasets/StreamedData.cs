using AdmmNn.Abstractions.Datasets;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Data.Datasets;

/// <summary>
/// The splits of a run that are read as they are used instead of into memory (image folders and plugin formats): the
/// open dataset, its planned splits, the preprocessing, and the C×H×W every sample becomes (fixed by the first training sample).
/// Disposing closes the dataset.
/// </summary>
/// <param name="Dataset">The open dataset.</param>
/// <param name="Train">Trained on.</param>
/// <param name="Validation">Tuned on; null when there is none.</param>
/// <param name="Test">Reported.</param>
/// <param name="Preprocessing">Applied to every sample as it is read.</param>
/// <param name="Shape">The preprocessed sample shape.</param>
/// <param name="Origins">Split name → where it came from.</param>
public sealed record StreamedData(IDataset Dataset, IDatasetSplit Train, IDatasetSplit? Validation, IDatasetSplit Test,
    ImagePreprocessing Preprocessing, SampleShape Shape, IReadOnlyDictionary<string, string> Origins) : IDisposable
{
    /// <summary>"name (split)", as <see cref="LabeledImageSet.Name"/> says it.</summary>
    public string NameOf(IDatasetSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        return $"{Dataset.Name} ({split.Name})";
    }

    /// <inheritdoc/>
    public void Dispose() => Dataset.Dispose();
}
